import type { CallContext } from '../core/service.js';
import { dryRun } from './errors.js';
import type { EncryptionContext } from './encryption-context.js';
import type { KmsStore } from './state.js';
import { decodeBlob } from './validate.js';

/**
 * One KMS request as the operations see it: the caller's context, KMS's state, and — for calls that another
 * service makes on the caller's behalf through the KmsPort — the kms:ViaService value.
 */
export interface KmsCall {
  ctx: CallContext;
  store: KmsStore;
  /** 's3.us-east-1.amazonaws.com' for S3's SSE-KMS calls; undefined for direct calls. */
  viaService?: string;
}

export type KmsInput = Record<string, unknown>;
export type KmsOperation = (input: KmsInput, k: KmsCall) => unknown;

// Inputs have already been validated against the model (validate.ts), so these only narrow types.
export const str = (input: KmsInput, name: string): string | undefined => (typeof input[name] === 'string' ? (input[name] as string) : undefined);
export const num = (input: KmsInput, name: string): number | undefined => (typeof input[name] === 'number' ? (input[name] as number) : undefined);
export const bool = (input: KmsInput, name: string): boolean | undefined => (typeof input[name] === 'boolean' ? (input[name] as boolean) : undefined);
export const blob = (input: KmsInput, name: string): Buffer | undefined => decodeBlob(input[name]);
export const strings = (input: KmsInput, name: string): string[] | undefined =>
  Array.isArray(input[name]) ? (input[name] as unknown[]).filter((x): x is string => typeof x === 'string') : undefined;
export const context = (input: KmsInput, name = 'EncryptionContext'): EncryptionContext | undefined => {
  const v = input[name];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as EncryptionContext) : undefined;
};

/** DryRun: every check ran and passed; AWS then answers DryRunOperationException (LS-KMS-SNAP *_dry_run). */
export function checkDryRun(input: KmsInput): void {
  if (input.DryRun === true) throw dryRun();
}
