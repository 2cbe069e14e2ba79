@lab @kms
Feature: 1. My first customer managed key: myFirstKey
  To protect the lab's S3 data with a key whose use I control and can trace in CloudTrail, the
  administrator creates a customer managed KMS key, "myFirstKey", and names its key administrators in the
  key policy — the console's own default policy, "key-consolepolicy-3", as in the lab.

  Scenario: The administrator creates myFirstKey with the console's key policy
    When "administrator" creates the customer managed key "myFirstKey" with the console's key policy
    Then it succeeds
    And the key "myFirstKey" is enabled, customer managed and symmetric
    And the alias "myFirstKey" points at the key
    And the key policy of "myFirstKey" has these statements:
      | Sid                                 | Principal     | Actions                       |
      | Enable IAM User Permissions         | account root  | kms:*                         |
      | Allow access for Key Administrators | administrator | the key administrator actions |
    And the key "myFirstKey" is tagged with this run's id

  @requires:kms.keyPolicyEnforcement
  Scenario: A key policy that would lock its creator out is refused
    When "administrator" creates the customer managed key "lockedOut" with a key policy naming only "student" as key administrator
    Then it is refused with "MalformedPolicyDocumentException" and the message "The new key policy will not allow you to update the key policy in the future."

  @requires:kms.keyStateEnforcement
  Scenario Outline: A key that is <state> cannot encrypt
    Given "administrator" has created the customer managed key "myFirstKey" with the console's key policy
    And the key "myFirstKey" is <state>
    When "administrator" encrypts "hello" with "myFirstKey"
    Then it is refused with "<error>" and the message "<message>"

    Examples:
      | state            | error                    | message                               |
      | disabled         | DisabledException        | {key:myFirstKey} is disabled.         |
      | pending deletion | KMSInvalidStateException | {key:myFirstKey} is pending deletion. |

  Scenario: A key id that does not exist is not found
    When "administrator" encrypts "hello" with the key id "1234abcd-12ab-34cd-56ef-1234567890ab"
    Then it is refused with "NotFoundException" and the message "Key 'arn:aws:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist"
