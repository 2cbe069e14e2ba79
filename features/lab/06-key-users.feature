@lab @kms @requires:kms.keyPolicyEnforcement
Feature: 6. Only key users can use the key
  Creating a key does not let everyone use it: who may encrypt and decrypt with it — its key users — must
  be named in the key policy. A key administrator can manage the key but not use it, and a user who is not
  a key user can neither upload with it through S3 nor read what it protects, until the key policy says so.

  Background:
    Given "administrator" has created the customer managed key "myFirstKey" whose key policy allows only its administrators
    And "administrator" has created the bucket "lab-data"

  @requires:s3.sseKmsEnforcement
  Scenario: A user cannot upload with SSE-KMS until they are added as a key user
    When "student" uploads "image.png" to "lab-data" with SSE-KMS using "myFirstKey"
    Then it is refused with HTTP 403 "AccessDenied" mentioning "kms:GenerateDataKey"
    When "administrator" adds "student" as a key user of "myFirstKey"
    And "student" uploads "image.png" to "lab-data" with SSE-KMS using "myFirstKey"
    Then it succeeds
    And the object "image.png" in "lab-data" is encrypted with "aws:kms" using "myFirstKey"

  @requires:s3.sseKmsEnforcement
  Scenario: A key user removed again can no longer read what they uploaded, nor upload
    Given "administrator" has added "student" as a key user of "myFirstKey"
    And "student" has uploaded "image.png" to "lab-data" with SSE-KMS using "myFirstKey"
    When "administrator" removes "student" as a key user of "myFirstKey"
    And "student" opens "image.png" in "lab-data"
    Then it is refused with HTTP 403 "AccessDenied" mentioning "kms:Decrypt"
    When "student" uploads "second.png" to "lab-data" with SSE-KMS using "myFirstKey"
    Then it is refused with HTTP 403 "AccessDenied" mentioning "kms:GenerateDataKey"

  Scenario: Decrypting needs the key user's permission too
    Given "administrator" has added "student" as a key user of "myFirstKey"
    And "student" has encrypted "exam answers" with "myFirstKey"
    When "auditor" decrypts that ciphertext
    Then it is refused with "AccessDeniedException" and the message "User: {session:auditor} is not authorized to perform: kms:Decrypt on resource: {key:myFirstKey} because no resource-based policy allows the kms:Decrypt action"
    When "student" decrypts that ciphertext
    Then it succeeds and gives back "exam answers"

  Scenario Outline: A key administrator can manage the key but not use it: kms:<action>
    When "administrator" calls kms:<action> on "myFirstKey"
    Then <outcome>

    Examples: Managing the key
      | action            | outcome     |
      | DescribeKey       | it succeeds |
      | GetKeyPolicy      | it succeeds |
      | TagResource       | it succeeds |
      | EnableKeyRotation | it succeeds |
      | DisableKey        | it succeeds |

    Examples: Using the key
      | action                          | outcome                                                                                                                                   |
      | Encrypt                         | it is refused with "AccessDeniedException" mentioning "because no resource-based policy allows the kms:Encrypt action"                         |
      | GenerateDataKey                 | it is refused with "AccessDeniedException" mentioning "because no resource-based policy allows the kms:GenerateDataKey action"                 |
      | GenerateDataKeyWithoutPlaintext | it is refused with "AccessDeniedException" mentioning "because no resource-based policy allows the kms:GenerateDataKeyWithoutPlaintext action" |

  Scenario: With the console's key policy, a user without IAM permissions becomes able only as a key user
    Given "administrator" has created the customer managed key "consoleKey" with the console's key policy
    When "student" calls kms:Encrypt on "consoleKey"
    Then it is refused with "AccessDeniedException" mentioning "because no identity-based policy allows the kms:Encrypt action"
    When "administrator" adds "student" as a key user of "consoleKey"
    And "student" calls kms:Encrypt on "consoleKey"
    Then it succeeds
