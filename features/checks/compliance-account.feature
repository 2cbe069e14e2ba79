@compliance
Feature: Compliance: the account's CloudTrail, KMS and S3 configuration (read-only)
  The lab's scenarios prove that the controls work on the resources the lab creates. These checks read the
  configuration of the whole account — as the caller who runs kms-lab, with Describe, Get and List calls only —
  and judge it against the CIS AWS Foundations Benchmark v3.0.0 and the AWS Config managed rules named in the
  tags. A check with nothing to judge (no trail at all, no customer managed key) is skipped and says why.
  Run them with `kms-lab run --compliance`, against an account, not an empty emulator.

  @cis:3.1 @config:multi-region-cloudtrail-enabled @config:cloudtrail-enabled
  Scenario: A multi-region trail is logging all management events, read and write
    Then the account has a logging multi-region trail recording all management events, read and write

  @cis:3.2 @config:cloud-trail-log-file-validation-enabled
  Scenario: Every trail validates its log files with signed digests
    Then every trail of the account has log file validation enabled

  @cis:3.5 @config:cloud-trail-encryption-enabled
  Scenario: Every trail encrypts its log files with a KMS key
    Then every trail of the account encrypts its log files with a KMS key

  @cis:3.6 @config:cmk-backing-key-rotation-enabled
  Scenario: Every enabled customer managed symmetric key rotates automatically
    Then every enabled customer managed symmetric key of the account has automatic rotation enabled

  @cis:3.8 @cis:3.9 @config:cloudtrail-s3-dataevents-enabled
  Scenario: A logging trail records S3 object-level reads and writes of every bucket
    Then a logging trail of the account records S3 data events, read and write, of all buckets

  @config:s3-default-encryption-kms
  Scenario: Every bucket encrypts new objects with a KMS key by default
    Then every bucket of the account has SSE-KMS default encryption
