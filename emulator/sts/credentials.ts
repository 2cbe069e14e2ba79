import { secretAccessKey, sessionToken, uniqueId } from '../core/ids.js';
import type { Principal } from '../core/principal.js';
import type { CallContext } from '../core/service.js';
import { cloudTrailDate, wholeSeconds } from '../iam/cloudtrail-date.js';
import type { XmlValue } from '../protocols/xml.js';

export interface IssuedCredentials {
  accessKeyId: string;
  expiration: Date;
  /** The wire shape: Credentials{AccessKeyId, SecretAccessKey, SessionToken, Expiration}. */
  wire: Record<string, XmlValue>;
  /** CloudTrail's credentials element. AWS logs the session token there; this emulator never logs secrets. */
  audit: Record<string, unknown>;
}

/**
 * Temporary credentials (ASIA… key, secret, session token) for `principal`, valid for `seconds` on the
 * emulator's clock. The identity store answers SigV4 lookups for them until they expire.
 */
export function issueCredentials(ctx: CallContext, principal: Principal, seconds: number, sessionPolicy?: string): IssuedCredentials {
  const accessKeyId = uniqueId('ASIA');
  const secret = secretAccessKey();
  const token = sessionToken();
  const expiration = wholeSeconds(new Date(ctx.now.getTime() + seconds * 1000));
  // The session stands for the principal, not for the key that asked for it.
  const who: Principal = { ...principal };
  delete who.accessKeyId;
  ctx.emulator.identity.addSession({
    accessKeyId,
    secretAccessKey: secret,
    sessionToken: token,
    expiresAt: expiration,
    principal: who,
    ...(sessionPolicy !== undefined ? { sessionPolicy } : {}),
  });
  return {
    accessKeyId,
    expiration,
    wire: { AccessKeyId: accessKeyId, SecretAccessKey: secret, SessionToken: token, Expiration: expiration },
    audit: { accessKeyId, expiration: cloudTrailDate(expiration) },
  };
}
