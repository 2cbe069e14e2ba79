import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KEY_ADMIN_ACTIONS, keyUsersOf, labKeyPolicy, SID_ADMINS, SID_ROOT, SID_USERS, withKeyUsers } from '../../support/lab/key-policy.js';
import { ScenarioNames, roleName } from '../../support/names.js';

const ADMIN = 'arn:aws:iam::111122223333:role/admin';
const STUDENT = 'arn:aws:iam::111122223333:role/student';

describe('lab key policies', () => {
  it('the console policy is the lab\'s key-consolepolicy-3: account root + key administrators', () => {
    const p = labKeyPolicy('console', '111122223333', [ADMIN]);
    assert.equal(p.Id, 'key-consolepolicy-3');
    assert.deepEqual(p.Statement.map((s) => s.Sid), [SID_ROOT, SID_ADMINS]);
    assert.deepEqual(p.Statement[0]!.Principal, { AWS: 'arn:aws:iam::111122223333:root' });
    assert.deepEqual(p.Statement[1]!.Action, KEY_ADMIN_ACTIONS);
    assert.ok(KEY_ADMIN_ACTIONS.includes('kms:RotateKeyOnDemand') && !KEY_ADMIN_ACTIONS.some((a) => /Encrypt|Decrypt|GenerateDataKey/.test(a)));
  });

  it('administrators-only has no root statement, so IAM cannot grant use of the key', () => {
    assert.deepEqual(labKeyPolicy('administrators-only', '111122223333', [ADMIN]).Statement.map((s) => s.Sid), [SID_ADMINS]);
  });

  it('adds and removes key users as the console does', () => {
    const withUser = withKeyUsers(labKeyPolicy('console', '111122223333', [ADMIN]), [STUDENT]);
    assert.ok(withUser.Statement.some((s) => s.Sid === SID_USERS));
    assert.deepEqual(keyUsersOf(withUser), [STUDENT]);
    const removed = withKeyUsers(withUser, []);
    assert.deepEqual(keyUsersOf(removed), []);
    assert.deepEqual(removed.Statement.map((s) => s.Sid), [SID_ROOT, SID_ADMINS]);
  });
});

describe('scenario names', () => {
  it('are valid AWS names, unique per run and scenario, and keep the lab\'s name readable', () => {
    const n = new ScenarioNames('261128t1540-b7b5', '3-12');
    assert.equal(n.bucket('Trail Logs!'), 'kms-lab-261128t1540-b7b5-3-12-trail-logs');
    assert.match(n.bucket('x'.repeat(100)), /^[a-z0-9-]{3,63}$/);
    assert.equal(n.alias('myFirstKey'), 'myFirstKey-261128t1540-b7b5-3-12');
    assert.ok(roleName('261128t1540-b7b5', '0', 'administrator').length <= 64);
  });
});
