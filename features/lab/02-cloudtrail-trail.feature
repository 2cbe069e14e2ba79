@lab @cloudtrail @account-wide
Feature: 2. A CloudTrail trail that keeps the evidence
  To answer "who used my key, when, and on what", the administrator creates a CloudTrail trail that
  delivers its log files to a new S3 bucket and records all three kinds of events: management events,
  S3 data events and Insights events — with log file validation, so the logs can be proven unaltered.

  Background:
    Given "administrator" has created the bucket "trail-logs" for the CloudTrail logs
    And "administrator" has created the bucket "lab-data"

  @requires:cloudtrail.bucketPolicyCheck
  Scenario: CloudTrail cannot deliver to a bucket whose policy does not let it
    When "administrator" creates the trail "myTrail" delivering to "trail-logs"
    Then it is refused with "InsufficientS3BucketPolicyException" and the message "Incorrect S3 bucket policy is detected for bucket: {bucket:trail-logs}"

  @cis:3.2 @cis:3.8 @cis:3.9 @config:cloudtrail-enabled @config:cloud-trail-log-file-validation-enabled @config:cloudtrail-s3-dataevents-enabled
  Scenario: With CloudTrail's bucket policy the trail records management, S3 data and Insights events
    Given "administrator" has let CloudTrail deliver the logs of "myTrail" to "trail-logs"
    When "administrator" creates the trail "myTrail" delivering to "trail-logs" with log file validation
    Then it succeeds
    When "administrator" records management events, S3 data events of "lab-data" and Insights events on "myTrail"
    Then it succeeds
    When "administrator" starts logging on "myTrail"
    Then it succeeds
    And the trail "myTrail" is logging to "trail-logs"
    And the trail "myTrail" records management events, read and write
    And the trail "myTrail" records S3 data events of "lab-data"
    And the trail "myTrail" records these Insights events:
      | ApiCallRateInsight  |
      | ApiErrorRateInsight |
    And log file validation is on for "myTrail"
