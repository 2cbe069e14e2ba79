import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CAPABILITIES, applyCapabilityOverride, requiredCapabilities, skipReason } from '../../support/capabilities.js';

const tags = (...names: string[]) => names.map((name) => ({ name }));

describe('capabilities', () => {
  it('reads @requires: tags, once each', () => {
    assert.deepEqual(requiredCapabilities(tags('@lab', '@requires:iam.enforcement', '@requires:cloudtrail.digest', '@requires:iam.enforcement')), ['iam.enforcement', 'cloudtrail.digest']);
  });

  it('an unknown capability is an error in the feature, not a silent skip', () => {
    assert.throws(() => requiredCapabilities(tags('@requires:kms.magic')), /Unknown capability tag @requires:kms.magic; known: .*@requires:kms.keyPolicyEnforcement/);
  });

  it('gives no reason when the target has everything', () => {
    assert.equal(skipReason(tags('@requires:iam.enforcement'), { name: 'embedded', capabilities: new Set(ALL_CAPABILITIES) }), undefined);
    assert.equal(skipReason(tags('@lab'), { name: 'moto', capabilities: new Set() }), undefined);
  });

  it('names the target, each missing capability, and the target\'s note on why', () => {
    const reason = skipReason(tags('@requires:iam.enforcement', '@requires:cloudtrail.digest'), {
      name: 'moto',
      capabilities: new Set(['cloudtrail.digest']),
      capabilityNotes: { 'iam.enforcement': 'moto authorizes nothing' },
    });
    assert.equal(reason, 'Skipped on target "moto": it lacks iam.enforcement (moto authorizes nothing).');
  });

  it('KMS_LAB_CAPABILITIES adds and removes capabilities, and rejects unknown ones', () => {
    const caps = applyCapabilityOverride(new Set(['iam.enforcement']), '+cloudtrail.digest, -iam.enforcement');
    assert.deepEqual([...caps], ['cloudtrail.digest']);
    assert.throws(() => applyCapabilityOverride(new Set(), '+nope'), /unknown capability "nope"/);
  });
});
