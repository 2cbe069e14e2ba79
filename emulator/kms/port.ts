import type { CallRecord } from '../core/call-record.js';
import type { Emulator } from '../core/emulator.js';
import { AwsError } from '../core/errors.js';
import { requestId as newRequestId } from '../core/ids.js';
import type { KmsCallOnBehalf, KmsDataKey, KmsPort } from '../core/ports.js';
import type { AuditNotes, CallContext } from '../core/service.js';
import { requestParameters } from './audit.js';
import type { KmsCall } from './call.js';
import { openCiphertext } from './crypto-ops.js';
import { makeDataKey } from './data-keys.js';
import { buildKey } from './metadata.js';
import { awsManagedS3Policy } from './policy.js';
import { aliasArn, resolveKey } from './resolve.js';
import type { KmsStore } from './state.js';

/**
 * KMS as other services call it: S3 asks for a data key (SSE-KMS PutObject) and for its decryption (GetObject)
 * *as the requester* — "To upload an object encrypted with an AWS KMS key to Amazon S3, you need
 * kms:GenerateDataKey permissions on the key. To download an object encrypted with an AWS KMS key, you need
 * kms:Decrypt permissions" (S3-UG UsingKMSEncryption.md). So a port call is a KMS request in every way —
 * same authorization (plus kms:ViaService = s3.<region>.amazonaws.com), same errors — and KMS records it as
 * its own CloudTrail event: the requester's identity with `invokedBy`, and the calling service's name as
 * sourceIPAddress and userAgent (KMS-DG deleting-keys-determining-usage.md example; aws-behaviour.md §C.1).
 */
export class KmsPortImpl implements KmsPort {
  constructor(private readonly emulator: Emulator, private readonly store: KmsStore) {}

  generateDataKey(ctx: CallContext, req: KmsCallOnBehalf & { keyId: string }): KmsDataKey {
    return this.onBehalf(ctx, req, 'GenerateDataKey', (k) => {
      // ct-generatedatakey: {keyId (as S3 passed it), keySpec, encryptionContext}.
      k.ctx.audit.requestParameters = requestParameters({ KeyId: req.keyId, KeySpec: 'AES_256', EncryptionContext: req.encryptionContext });
      const dk = makeDataKey(k, 'GenerateDataKey', req.keyId, req.encryptionContext, 32);
      return { keyArn: dk.key.arn, plaintext: dk.plaintext, ciphertextBlob: dk.ciphertext };
    });
  }

  decrypt(ctx: CallContext, req: KmsCallOnBehalf & { ciphertextBlob: Buffer }): { keyArn: string; plaintext: Buffer } {
    return this.onBehalf(ctx, req, 'Decrypt', (k) => {
      k.ctx.audit.requestParameters = requestParameters({ EncryptionContext: req.encryptionContext }, { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
      const opened = openCiphertext(k, { ciphertext: req.ciphertextBlob, keyId: req.keyId, ec: req.encryptionContext, action: 'Decrypt' });
      k.ctx.audit.requestParameters = requestParameters({ EncryptionContext: req.encryptionContext },
        { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: opened.key.arn });
      if (opened.materialId) k.ctx.audit.additionalEventData = { keyMaterialId: opened.materialId };
      return { keyArn: opened.key.arn, plaintext: opened.plaintext };
    });
  }

  /**
   * AWS creates an account's `aws/s3` key the first time S3 needs it; its policy lets every principal of the
   * account use it through S3 only (kms:ViaService + kms:CallerAccount, aws-behaviour.md §A.2).
   */
  awsManagedKeyArn(accountId: string, region: string, alias: 'aws/s3'): string {
    const name = `alias/${alias}`;
    const r = this.store.region(accountId, region);
    const existing = r.aliases.get(name);
    const existingKey = existing ? r.keys.get(existing.TargetKeyId) : undefined;
    if (existingKey) return existingKey.arn;
    const now = this.emulator.clock();
    const key = buildKey({
      accountId,
      region,
      now,
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      description: 'Default key that protects my S3 objects when no other key is defined',
      policyText: awsManagedS3Policy(accountId, region),
      tags: [],
      keyManager: 'AWS',
    });
    // AWS managed keys rotate automatically every year (KMS-DG rotate-keys.md).
    key.rotation = { enabled: true, periodInDays: 365, nextRotationDate: new Date(now.getTime() + 365 * 86_400_000), onDemandCount: 0 };
    this.store.addKey(key);
    r.aliases.set(name, { AliasName: name, AliasArn: aliasArn(region, accountId, name), TargetKeyId: key.keyId, CreationDate: now, LastUpdatedDate: now });
    return key.arn;
  }

  resolveKeyArn(accountId: string, region: string, keyId: string): string | undefined {
    const k: KmsCall = { ctx: { principal: { accountId }, region } as CallContext, store: this.store };
    try {
      return resolveKey(k, keyId, { aliases: true, crossAccount: true }).key.arn;
    } catch (e) {
      if (e instanceof AwsError) return undefined;
      throw e;
    }
  }

  /** Runs one KMS operation for another service and emits its CloudTrail CallRecord, success or failure. */
  private onBehalf<T>(ctx: CallContext, req: KmsCallOnBehalf, eventName: string, fn: (k: KmsCall) => T): T {
    const audit: AuditNotes = { invokedBy: req.invokedBy, readOnly: true };
    const sub: CallContext = { ...ctx, requestId: newRequestId(), sourceIp: req.invokedBy, userAgent: req.invokedBy, audit };
    const record = (status: number, error?: { code: string; message: string }): void => {
      const call: CallRecord = {
        requestId: sub.requestId,
        time: sub.now,
        eventSource: 'kms.amazonaws.com',
        eventName,
        region: sub.region,
        principal: sub.principal,
        sourceIp: req.invokedBy,
        userAgent: req.invokedBy,
        status,
        error,
        readOnly: true,
        audit,
        bytesIn: 0,
        bytesOut: 0,
      };
      this.emulator.calls.emit('call', call);
    };
    this.store.tick(sub.now);
    let out: T;
    try {
      out = fn({ ctx: sub, store: this.store, viaService: req.viaService });
    } catch (e) {
      if (e instanceof AwsError) record(e.status, { code: e.code, message: e.message });
      throw e;
    }
    record(200);
    return out;
  }
}
