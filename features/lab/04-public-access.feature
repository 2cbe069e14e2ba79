@lab @s3
Feature: 4. The public URL of an SSE-KMS object is refused
  In the console, the signed-in owner sees the image: they may use the key, so S3 can decrypt it for them.
  The object URL opened by anyone else is refused — "Access Denied", or, once the bucket policy makes the
  object public, "Signature Version 4 required": an SSE-KMS object is never served to an unsigned request.

  Background:
    Given "administrator" has created the customer managed key "myFirstKey" with the console's key policy
    And "administrator" has created the bucket "lab-data"
    And "administrator" has uploaded "image.png" to "lab-data" with SSE-KMS using "myFirstKey"

  Scenario: The signed-in owner opens the image
    When "administrator" opens "image.png" in "lab-data"
    Then it succeeds
    And they get back the image they uploaded, decrypted

  @requires:iam.enforcement @config:s3-bucket-public-read-prohibited
  Scenario: An anonymous visitor opening the object URL is refused
    When an anonymous visitor opens the object URL of "image.png" in "lab-data"
    Then the visitor is refused with HTTP 403 "AccessDenied"

  @requires:iam.enforcement @requires:s3.sseKmsEnforcement
  Scenario: Even a public bucket does not serve an SSE-KMS object to an unsigned request
    Given "administrator" has made the bucket "lab-data" public with a bucket policy
    When an anonymous visitor opens the object URL of "image.png" in "lab-data"
    Then the visitor is refused with HTTP 400 "InvalidArgument" and the message "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4."

  Scenario: For contrast, a public bucket does serve an object without SSE-KMS
    Given "administrator" has uploaded "notes.txt" to "lab-data" without naming an encryption
    And "administrator" has made the bucket "lab-data" public with a bucket policy
    When an anonymous visitor opens the object URL of "notes.txt" in "lab-data"
    Then the visitor gets the object
