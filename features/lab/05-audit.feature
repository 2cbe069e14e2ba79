@lab @cloudtrail @account-wide
Feature: 5. CloudTrail shows who used the key
  Every use of myFirstKey is recorded: who called KMS, through which service, when, and on which key. The
  upload's GenerateDataKey and the owner's Decrypt are management events, found with LookupEvents. The
  refused anonymous GetObject is a data event: it is only in the log files the trail delivers, and those
  files are covered by signed digests.

  Background:
    Given "administrator" has created the customer managed key "myFirstKey" with the console's key policy
    And "administrator" has created the bucket "lab-data"
    And "administrator" has set up the logging trail "myTrail" delivering to the new bucket "trail-logs", with S3 data events of "lab-data"
    And "administrator" has uploaded "image.png" to "lab-data" with SSE-KMS using "myFirstKey"

  @requires:cloudtrail.lookupEvents @config:cloudtrail-enabled
  Scenario: The upload is a kms:GenerateDataKey by the uploader, made through S3, at the upload's time
    Then CloudTrail eventually shows "administrator" calling kms:GenerateDataKey on "myFirstKey", with:
      | invoked by     | s3.amazonaws.com                                     |
      | for the object | "image.png" in "lab-data"                            |
      | at             | the Last-Modified time of "image.png" in "lab-data" |

  @requires:cloudtrail.lookupEvents @config:cloudtrail-enabled
  Scenario: Opening the image is a kms:Decrypt by the reader, made through S3
    When "administrator" opens "image.png" in "lab-data"
    Then it succeeds
    And CloudTrail eventually shows "administrator" calling kms:Decrypt on "myFirstKey", with:
      | invoked by     | s3.amazonaws.com          |
      | for the object | "image.png" in "lab-data" |

  @requires:cloudtrail.logDelivery @requires:cloudtrail.lookupEvents @requires:iam.enforcement @cis:3.9 @config:cloudtrail-s3-dataevents-enabled
  Scenario: The refused anonymous GetObject is a data event: in the log files, not in LookupEvents
    When an anonymous visitor opens the object URL of "image.png" in "lab-data"
    Then the visitor is refused with HTTP 403 "AccessDenied"
    And the log files of "myTrail" eventually show an anonymous visitor calling s3:GetObject on "image.png" in "lab-data", refused with "AccessDenied"
    And LookupEvents does not show s3:GetObject on "image.png" in "lab-data"

  @requires:cloudtrail.logDelivery @requires:cloudtrail.digest @cis:3.2 @cis:3.8 @config:cloud-trail-log-file-validation-enabled @config:cloudtrail-s3-dataevents-enabled
  Scenario: The log file holding the upload is covered by a signed digest
    Then the log files of "myTrail" eventually show "administrator" calling s3:PutObject on "image.png" in "lab-data"
    And a digest file of "myTrail" eventually covers that log file, and its signature and hash check out
