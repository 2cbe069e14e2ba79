/** The bundle's file formats. Bump the version in BUNDLE_FORMAT when a field changes meaning. */

export const BUNDLE_FORMAT = 'kms-lab-evidence-bundle/1';
export const SIGNATURE_FORMAT = 'kms-lab-bundle-signature/1';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig.json';
export const PUBLIC_KEY_FILE = 'manifest.pub.pem';
/** The files that describe the bundle and so cannot be listed in it. */
export const BUNDLE_FILES: readonly string[] = [MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE];

export interface ManifestFile {
  /** Relative to the bundle directory, '/'-separated. */
  path: string;
  sha256: string;
  size: number;
}

/** What kms-lab run (and kms-lab check) record about a run; every field optional except kind. */
export interface BundleMetadata {
  /** 'kms-lab run' | 'kms-lab check' | … */
  kind: string;
  tool?: { name: string; version: string; gitCommit?: string; gitDirty?: boolean; node?: string; cucumber?: string };
  run?: {
    id: string;
    target?: string;
    endpoint?: string;
    account?: string;
    region?: string;
    callerArn?: string;
    startedAt?: string;
    finishedAt?: string;
    tags?: string;
    redaction?: { accountIds: boolean; note?: string };
    [k: string]: unknown;
  };
  results?: {
    verdict: 'passed' | 'failed' | 'incomplete';
    scenarios: number;
    passed: number;
    failed: number;
    skipped: number;
    items: ScenarioRecord[];
  };
  controls?: ControlRecord[];
  cloudTrail?: CloudTrailRecordSet;
  [k: string]: unknown;
}

export interface ScenarioRecord {
  index: number;
  name: string;
  uri: string;
  status: 'passed' | 'failed' | 'skipped';
  detail?: string;
  skipReason?: string;
  error?: string;
  tags: string[];
  controls: string[];
  evidence: string[];
  startedAt?: string;
  finishedAt?: string;
  steps?: { keyword: string; text: string; status: string; evidence: string[]; error?: string }[];
}

export interface ControlRecord {
  /** 'CIS 3.2', 'AWS Config cloud-trail-log-file-validation-enabled' */
  id: string;
  framework: string;
  title: string;
  status: 'satisfied' | 'failed' | 'not evidenced';
  /** What the passing evidence is about: the resources the lab created, or the whole account (compliance checks). */
  scope?: 'lab resources' | 'account' | 'account and lab resources';
  scenarios: { index: number; name: string; status: string }[];
  source?: string;
  note?: string;
}

export interface CloudTrailRecordSet {
  trails: { name?: string; arn?: string; bucket?: string; logFileValidation?: boolean; multiRegion?: boolean; kmsKeyId?: string; scenario?: string }[];
  /** Log files whose records the audit relied on, with the SHA-256 CloudTrail's digest gives, when one covered them. */
  logFiles: { s3: string; scenario?: string; records?: number; digestSha256?: string; digestFile?: string; digestSignatureValid?: boolean; digestHashValid?: boolean }[];
  /** Digest files checked (CloudTrail's own signed digests). */
  digestFiles: { s3: string; publicKeyFingerprint?: string; signatureValid?: boolean }[];
  /** LookupEvents answers relied on (event ids). */
  lookupEvents: { eventId?: string; eventName?: string; eventTime?: string; scenario?: string }[];
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  metadata: BundleMetadata;
  files: ManifestFile[];
}

export type SigningAlgorithm = 'Ed25519' | 'RSASSA_PSS_SHA_256' | 'ECDSA_SHA_256';

export interface BundleSignature {
  format: typeof SIGNATURE_FORMAT;
  signedFile: typeof MANIFEST_FILE;
  /** Hex SHA-256 of manifest.json's bytes: what KMS signed (MessageType DIGEST). */
  manifestSha256: string;
  algorithm: SigningAlgorithm;
  signer: { type: 'local' } | { type: 'kms'; keyArn: string; region?: string };
  publicKeyFile: typeof PUBLIC_KEY_FILE;
  /** Hex SHA-256 of the public key's DER (SPKI): pin it, or compare it with what GetPublicKey gives. */
  publicKeySha256: string;
  signedAt: string;
  /** Base64. */
  signature: string;
}

export interface Signer {
  readonly algorithm: SigningAlgorithm;
  readonly description: BundleSignature['signer'];
  /** SPKI PEM. */
  readonly publicKeyPem: string;
  sign(manifestBytes: Buffer): Promise<Buffer>;
}

export interface WrittenBundle {
  dir: string;
  manifest: Manifest;
  signature: BundleSignature;
  manifestSha256: string;
}

export interface VerifyOptions {
  /** When given, the signature is checked with the key KMS GetPublicKey returns for the signer's key. */
  kms?: import('@aws-sdk/client-kms').KMSClient;
  /** The KMS key to ask for (when the bundle's key ARN is masked, e.g. --redact-account-ids). */
  kmsKeyId?: string;
  /** A public key the verifier trusts (SPKI PEM): the bundled one must be the same. */
  trustedPublicKeyPem?: string;
}

export interface VerifyReport {
  dir: string;
  ok: boolean;
  manifestReadable: boolean;
  files: { checked: number; changed: string[]; added: string[]; removed: string[] };
  signature: {
    ok: boolean;
    algorithm?: string;
    /** 'bundled public key' | 'pinned public key' | 'KMS GetPublicKey arn:…' */
    keySource?: string;
    keyArn?: string;
    publicKeySha256?: string;
    problems: string[];
  };
  problems: string[];
  manifest?: Manifest;
}
