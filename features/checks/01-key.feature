@instructor
Feature: Check 1 — the customer managed key myFirstKey
  Read-only checks of a student's account, run by `kms-lab check`. The student created a customer managed
  key with the alias myFirstKey, and its key policy names key administrators and key users. Each scenario
  is one graded check: ✓ the account shows it, ✗ it shows otherwise, ? the checker cannot tell (and why).

  @check:key @points:10
  Scenario: A customer managed key with the alias myFirstKey, enabled
    Given the student's key with the alias "myFirstKey"
    Then the student's key is a customer managed key
    And the student's key is enabled

  @check:key-policy @points:15
  Scenario: Its key policy names key administrators and key users other than the root
    Given the student's key with the alias "myFirstKey"
    Then the student's key policy has a key administrators statement
    And the student's key policy has a key users statement naming a principal other than the account root
