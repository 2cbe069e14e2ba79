/**
 * support/bundle — the evidence bundle: write it, sign it, verify it. No Cucumber here (only node:fs, node:crypto
 * and, for KMS signing, @aws-sdk/client-kms), so `kms-lab run` (a lab run) and `kms-lab check` (one bundle per
 * student) write the same format and `kms-lab verify` checks both.
 *
 * ## Layout of a bundle directory (e.g. reports/<run-id>/)
 *
 *   <whatever the producer wrote>    cucumber.html, cucumber.xml, cucumber.ndjson, summary.md, report.html, …
 *   evidence/<NN>-<scenario>/<NN>-<step>--<label>.json   one file per attachment (see writeEvidence)
 *   manifest.json                     { format, createdAt, metadata, files: [{ path, sha256, size }] }
 *   manifest.sig.json                 signature over the exact bytes of manifest.json (see BundleSignature)
 *   manifest.pub.pem                  the public key (SPKI PEM) that signature verifies with
 *
 * Every file under the directory except those last three is listed in manifest.files (paths relative, '/'
 * separated, sorted). Symlinks and directories are not files: a symlink inside a bundle is refused.
 *
 * ## API (all paths are the bundle directory unless said otherwise)
 *
 *   writeEvidence(dir, files: EvidenceFile[]): Promise<string[]>
 *       Writes each { path: 'evidence/…', content } (path checked: relative, inside dir). Returns the paths.
 *       Content is written as given: redact it first (support/evidence.ts redact(), or a Redactor).
 *   evidencePath(scenarioIndex, scenarioName, stepIndex, stepName, label): string
 *       The conventional file name 'evidence/003-a-key-that-is-disabled/02-when-administrator-encrypts--encrypt-refused.json'.
 *   writeBundle(dir, { metadata, signer, exclude? }): Promise<WrittenBundle>
 *       Hashes every file (SHA-256 + size), writes manifest.json, signs it, writes manifest.sig.json and
 *       manifest.pub.pem. Call it last: any later change to the directory is what verify reports.
 *   signManifest(manifestBytes, signer): Promise<BundleSignature>
 *       Signs the signature file's own fields (format, manifestSha256, algorithm, signer, public key SHA-256,
 *       signedAt) as compact JSON in a fixed order (signedPayload): through manifestSha256 that covers every file,
 *       and no field of manifest.sig.json can change unnoticed.
 *   localSigner(privateKeyPem?): Signer
 *       Ed25519. Without a key: a fresh key pair per bundle, the private half never written anywhere.
 *   kmsSigner({ kms: KMSClient, keyId, algorithm? }): Promise<Signer>
 *       A KMS asymmetric SIGN_VERIFY key (RSA_* → RSASSA_PSS_SHA_256, ECC_NIST_P256 → ECDSA_SHA_256); signs the
 *       manifest's SHA-256 with MessageType DIGEST; the public key comes from GetPublicKey.
 *   createKmsSigningKey({ kms, alias, keySpec?, tags? }): Promise<{ keyArn, created }>
 *       Finds alias/… or creates an ECC_NIST_P256 (or RSA_2048…) SIGN_VERIFY key with that alias.
 *   verifyBundle(dir, { kms?: KMSClient, kmsKeyId?, trustedPublicKeyPem? }): Promise<VerifyReport>
 *       Recomputes every hash; lists changed / added / removed files; checks the signature with the bundled
 *       public key, or a pinned one, or (kms given) the key KMS GetPublicKey returns. report.ok only when all holds.
 *   formatVerifyReport(report): string[]   human lines, one per finding.
 *
 * Redaction is the producer's job, before writeEvidence: support/evidence.ts has redact() (JSON), scrubText()
 * (free text: secrets, tokens, SigV4 signatures, Authorization/X-Amz-Security-Token values, access key ids masked
 * but the last 4) and AccountMasker (--redact-account-ids: ACCOUNT-1, ACCOUNT-2, … consistently).
 *
 * ## Metadata
 * BundleMetadata is free-form JSON with a few well-known fields (kind, tool, run, results, controls, cloudTrail);
 * kms-lab run fills them (support/runner/bundle.ts); kms-lab check may add its own (e.g. student, roster row).
 */
export * from './types.js';
export { writeEvidence, evidencePath, slug, type EvidenceFile } from './evidence-files.js';
export { writeBundle, buildManifest, hashFile, listFiles } from './write.js';
export { signManifest, localSigner, kmsSigner, createKmsSigningKey, verifySignatureBytes, publicKeyFingerprint } from './sign.js';
export { verifyBundle, formatVerifyReport } from './verify.js';
