@instructor
Feature: Check 2 — a CloudTrail trail that keeps the evidence
  The student created a trail that logs in every Region, validates its log files, records S3 data events and
  Insights events, and delivers to a bucket whose policy lets CloudTrail write. When the account has several
  trails, the one closest to the lab's is checked (the evidence lists them all).

  @check:trail @points:15
  Scenario: A multi-region trail that is logging, with log file validation
    Given the student's CloudTrail trail
    Then the student's trail is logging
    And the student's trail is multi-region
    And the student's trail has log file validation on

  @check:trail-events @points:15
  Scenario: The trail records S3 data events and Insights events
    Given the student's CloudTrail trail
    Then the student's trail selects S3 data events, reads included
    And the student's trail has Insights selectors

  @check:trail-bucket @points:10
  Scenario: The trail delivers to a bucket with CloudTrail's bucket policy
    Given the student's CloudTrail trail
    Then the student's trail delivers to a bucket with CloudTrail's bucket policy
    And the student's trail reports no delivery error
