@instructor
Feature: Check 3 — the SSE-KMS object and what CloudTrail shows about it
  The student uploaded an object with SSE-KMS under myFirstKey as an IAM principal (S3 then called
  kms:GenerateDataKey on the key for them), and tried the object's public URL, which S3 refused — a refusal
  the trail's log files show as an anonymous GetObject data event.

  @check:object @points:15
  Scenario: An object encrypted with SSE-KMS under myFirstKey
    Given the student's key with the alias "myFirstKey"
    Then the student has an S3 object encrypted with SSE-KMS under that key

  @check:key-use @points:10
  Scenario: CloudTrail shows GenerateDataKey on myFirstKey by a principal other than the root
    Given the student's key with the alias "myFirstKey"
    Then CloudTrail shows the student's kms:GenerateDataKey on that key by a principal other than the account root

  @check:public-refused @points:10
  Scenario: The delivered logs show a refused anonymous GetObject of that object
    Given the student's key with the alias "myFirstKey"
    And the student's S3 object encrypted with SSE-KMS under that key
    And the student's CloudTrail trail
    Then the student's trail log files show an anonymous s3:GetObject of that object, refused
