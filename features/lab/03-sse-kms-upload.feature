@lab @s3 @kms
Feature: 3. Upload an image encrypted with SSE-KMS using myFirstKey
  The point is not the upload but its encryption: the object is encrypted at rest with the lab's own key,
  named explicitly and overriding the bucket's default encryption, so that the key policy governs who can
  read it and every use of the key lands in CloudTrail. The object's Last-Modified time is kept: it is how
  the audit finds the upload's events later.

  Background:
    Given "administrator" has created the customer managed key "myFirstKey" with the console's key policy
    And "administrator" has created the bucket "lab-data" with SSE-S3 default encryption

  Scenario: The upload names myFirstKey explicitly, overriding the bucket's default encryption
    When "administrator" uploads "image.png" to "lab-data" with SSE-KMS using "myFirstKey"
    Then it succeeds
    And the object "image.png" in "lab-data" is encrypted with "aws:kms" using "myFirstKey"
    And the Last-Modified time of "image.png" in "lab-data" is kept for the audit

  Scenario Outline: S3 reports the key's ARN whichever way the key was named: by its <form>
    When "administrator" uploads "image.png" to "lab-data" with SSE-KMS naming "myFirstKey" by its <form>
    Then it succeeds
    And the object "image.png" in "lab-data" is encrypted with "aws:kms" using "myFirstKey"

    Examples: As the console sends it
      | form    |
      | key ARN |

    @requires:s3.sseKmsEnforcement
    Examples: As the CLI and SDKs let you write it
      | form       |
      | key id     |
      | alias name |

  Scenario: Without naming a key, the bucket's default encryption applies
    When "administrator" uploads "notes.txt" to "lab-data" without naming an encryption
    Then it succeeds
    And the object "notes.txt" in "lab-data" is encrypted with "AES256"

  @requires:s3.sseKmsEnforcement
  Scenario Outline: An upload with a key that is <state> is refused
    Given the key "myFirstKey" is <state>
    When "administrator" uploads "image.png" to "lab-data" with SSE-KMS using "myFirstKey"
    Then it is refused with HTTP 400 "<error>" and the message "<message>"

    Examples:
      | state            | error                        | message                               |
      | disabled         | KMS.DisabledException        | {key:myFirstKey} is disabled.         |
      | pending deletion | KMS.KMSInvalidStateException | {key:myFirstKey} is pending deletion. |

  @requires:s3.sseKmsEnforcement
  Scenario: An upload naming a key id that does not exist is refused
    When "administrator" uploads "image.png" to "lab-data" with SSE-KMS using the key id "1234abcd-12ab-34cd-56ef-1234567890ab"
    Then it is refused with HTTP 400 "KMS.NotFoundException" and the message "Key 'arn:aws:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist"
