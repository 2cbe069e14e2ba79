import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../emulator/server.js';
import { freshEmulator } from '../helpers/emulator.js';
import type { Creds } from '../helpers/emulator.js';
import { allow, failure, iamAs, newAccount, stsAs, trustPolicy, userWithKey } from '../iam/support.js';

const ACCOUNT = '000000000000';

describe('STS AssumeRole', () => {
  let running: RunningEmulator;
  let alice: Creds & { arn: string };
  let mallory: Creds & { arn: string };
  before(async () => {
    running = await freshEmulator();
    alice = await userWithKey(running, 'alice');
    mallory = await userWithKey(running, 'mallory', allow('sts:AssumeRole'));
  });
  after(() => running.stop());

  const createRole = (name: string, trust: string, extra: { MaxSessionDuration?: number; Path?: string } = {}) =>
    iamAs(running).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, ...extra }));

  test('a user named in the trust policy gets credentials for an assumed-role session', async () => {
    const { Role } = await createRole('app', trustPolicy(alice.arn), { Path: '/team/' });
    const out = await stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'alice-session' }));
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/app/alice-session`);
    assert.equal(out.AssumedRoleUser?.AssumedRoleId, `${Role!.RoleId}:alice-session`);
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(out.Credentials!.SessionToken);
    const expiresIn = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(expiresIn > 3500_000 && expiresIn <= 3600_000, `default lifetime is one hour, got ${expiresIn} ms`);
    assert.equal(out.PackedPolicySize, undefined);
  });

  test('the temporary credentials identify the session in GetCallerIdentity', async () => {
    const { Role } = await createRole('whoami', trustPolicy(alice.arn));
    const { Credentials } = await stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'probe' }));
    const temp = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const me = await stsAs(running, temp).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/whoami/probe`);
    assert.equal(me.UserId, `${Role!.RoleId}:probe`);
    assert.equal(me.Account, ACCOUNT);
  });

  test('a caller the trust policy does not name is refused with AWS\'s AccessDenied text', async () => {
    const { Role } = await createRole('alice-only', trustPolicy(alice.arn));
    const f = await failure(stsAs(running, mallory).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 's1' })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.status, 403);
    assert.equal(f.message, `User: ${mallory.arn} is not authorized to perform: sts:AssumeRole on resource: ${Role!.Arn}`);
  });

  test('a role that does not exist is refused exactly like one that does not trust the caller', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/no-such-role`;
    const f = await failure(stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.message, `User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
  });

  test('an ExternalId condition refuses a missing or wrong id and accepts the right one', async () => {
    const { Role } = await createRole('vendor', trustPolicy(alice.arn, { StringEquals: { 'sts:ExternalId': 'Unicorn42' } }));
    const sts = stsAs(running, alice);
    const missing = await failure(sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 's1' })));
    assert.equal(missing.code, 'AccessDenied');
    const wrong = await failure(sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 's2', ExternalId: 'Pegasus42' })));
    assert.equal(wrong.code, 'AccessDenied');
    const ok = await sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 's3', ExternalId: 'Unicorn42' }));
    assert.equal(ok.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/vendor/s3`);
  });

  test('a trust policy naming the account lets in only callers whose own policies allow it', async () => {
    const { Role } = await createRole('delegated', trustPolicy(ACCOUNT));
    const refused = await failure(stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess' })));
    assert.equal(refused.code, 'AccessDenied');
    const out = await stsAs(running, mallory).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess' }));
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/delegated/sess`);
  });

  test('the account root may not assume roles', async () => {
    const { Role } = await createRole('for-root', trustPolicy(ACCOUNT));
    const f = await failure(stsAs(running).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess' })));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.message, 'Roles may not be assumed by root accounts.');
  });

  describe('across accounts', () => {
    let partner: Creds & { arn: string };
    let bystander: Creds & { arn: string };
    before(async () => {
      const other = await newAccount(running);
      partner = await userWithKey(running, 'partner', allow('sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/*`), other.root);
      bystander = await userWithKey(running, 'bystander', undefined, other.root);
      await createRole('shared', trustPolicy(other.accountId));
      await createRole('names-bystander', trustPolicy(bystander.arn));
      await createRole('not-for-partner', trustPolicy(alice.arn));
    });
    const assume = (who: Creds, role: string) =>
      stsAs(running, who).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, RoleSessionName: 'xx' }));

    test('a trust policy naming the other account admits its user whose identity policy allows', async () => {
      const ok = await assume(partner, 'shared');
      assert.equal(ok.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/shared/xx`);
    });

    test('a user of the trusted account without an identity policy is refused', async () => {
      assert.equal((await failure(assume(bystander, 'shared'))).code, 'AccessDenied');
    });

    test('being named in the trust policy is not enough without an identity policy', async () => {
      assert.equal((await failure(assume(bystander, 'names-bystander'))).code, 'AccessDenied');
    });

    test('an identity policy is not enough when the trust policy names someone else', async () => {
      const f = await failure(assume(partner, 'not-for-partner'));
      assert.equal(f.message, `User: ${partner.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/not-for-partner`);
    });
  });

  test('DurationSeconds above the role\'s MaxSessionDuration is refused', async () => {
    const { Role } = await createRole('short', trustPolicy(alice.arn), { MaxSessionDuration: 3600 });
    const f = await failure(stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess', DurationSeconds: 7200 })));
    assert.equal(f.code, 'ValidationError');
    assert.equal(f.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });

  test('DurationSeconds up to a longer MaxSessionDuration is granted', async () => {
    const { Role } = await createRole('long', trustPolicy(alice.arn), { MaxSessionDuration: 43200 });
    const out = await stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess', DurationSeconds: 43200 }));
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(lifetime > 43100_000 && lifetime <= 43200_000);
  });

  test('DurationSeconds below 900 fails AWS\'s constraint check', async () => {
    const { Role } = await createRole('min', trustPolicy(alice.arn));
    const f = await failure(stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess', DurationSeconds: 60 })));
    assert.equal(f.code, 'ValidationError');
    assert.equal(f.message, "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  });

  test('a session name outside [\\w+=,.@-] is refused with the validation text', async () => {
    const { Role } = await createRole('names', trustPolicy(alice.arn));
    const f = await failure(stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'Session1:2' })));
    assert.equal(f.code, 'ValidationError');
    assert.equal(
      f.message,
      "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  });

  test('a malformed RoleArn is "invalid"', async () => {
    const f = await failure(stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: 'arn:a:::something/test-role', RoleSessionName: 'Session1' })));
    assert.equal(f.code, 'ValidationError');
    assert.equal(f.message, 'arn:a:::something/test-role is invalid');
  });

  test('role chaining is limited to one hour', async () => {
    const { Role: first } = await createRole('hop1', trustPolicy(alice.arn));
    await iamAs(running).send(new PutRolePolicyCommand({ RoleName: 'hop1', PolicyName: 'chain', PolicyDocument: JSON.stringify(allow('sts:AssumeRole')) }));
    const { Role: second } = await createRole('hop2', trustPolicy(first!.Arn!), { MaxSessionDuration: 7200 });
    const { Credentials } = await stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: first!.Arn, RoleSessionName: 'one' }));
    const hop1 = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const f = await failure(stsAs(running, hop1).send(new AssumeRoleCommand({ RoleArn: second!.Arn, RoleSessionName: 'two', DurationSeconds: 7200 })));
    assert.equal(f.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const ok = await stsAs(running, hop1).send(new AssumeRoleCommand({ RoleArn: second!.Arn, RoleSessionName: 'two' }));
    assert.equal(ok.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/hop2/two`);
  });

  test('a session policy is accepted and reported in PackedPolicySize', async () => {
    const { Role } = await createRole('narrowed', trustPolicy(alice.arn));
    const out = await stsAs(running, alice).send(
      new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess', Policy: JSON.stringify(allow('s3:GetObject')) }),
    );
    assert.ok(typeof out.PackedPolicySize === 'number' && out.PackedPolicySize > 0 && out.PackedPolicySize <= 100);
  });

  test('a session policy that is not JSON is refused as malformed', async () => {
    const { Role } = await createRole('bad-session-policy', trustPolicy(alice.arn));
    const f = await failure(stsAs(running, alice).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'sess', Policy: '{not json' })));
    assert.equal(f.code, 'MalformedPolicyDocument');
  });
});
