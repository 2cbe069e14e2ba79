import { AwsError } from '../core/errors.js';
import { validation } from './errors.js';
import { INPUT_SHAPES } from './model.js';

/**
 * Input validation as AWS's request layer does it, before the operation runs: required members, lengths,
 * ranges, enums and patterns from the API model (model.ts), reported in AWS's form
 *   `1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1`
 * (LS-KMS-SNAP test_generate_random_invalid_number_of_bytes). Sensitive members (Plaintext, Message) omit
 * the value: `Value at 'plaintext' failed to satisfy constraint: …` (LS-KMS-SNAP test_plaintext_size_for_encrypt).
 * Nested list members are addressed as `tags.1.member.tagValue` (LS-KMS-SNAP test_key_with_long_tag_value_raises_error).
 */

export interface MemberSpec {
  t: 'string' | 'integer' | 'boolean' | 'blob' | 'list' | 'map' | 'structure' | 'timestamp' | 'long';
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  /** list of structures */
  member?: Record<string, MemberSpec>;
  /** list of scalars */
  item?: MemberSpec;
  /** structure */
  members?: Record<string, MemberSpec>;
}

/**
 * AWS prints enum sets in its own (hash-set) order, not the model's. These orders were recorded against AWS
 * (LS-KMS-SNAP test_hmac_create_key_invalid_operations, test_invalid_generate_mac); the KeySpec set is also
 * the set of specs this emulator creates.
 */
const RECORDED_ENUMS: Record<string, string[]> = {
  'CreateKey.KeySpec': ['RSA_2048', 'ECC_NIST_P384', 'ECC_NIST_P256', 'ECC_NIST_P521', 'HMAC_384', 'RSA_3072', 'ECC_SECG_P256K1', 'RSA_4096', 'SYMMETRIC_DEFAULT', 'HMAC_256', 'HMAC_224', 'HMAC_512'],
  'CreateKey.KeyUsage': ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC'],
  'GenerateMac.MacAlgorithm': ['HMAC_SHA_384', 'HMAC_SHA_256', 'HMAC_SHA_224', 'HMAC_SHA_512'],
  'VerifyMac.MacAlgorithm': ['HMAC_SHA_384', 'HMAC_SHA_256', 'HMAC_SHA_224', 'HMAC_SHA_512'],
};

/**
 * Members whose maximum length KMS reports as LimitExceededException instead (BOTO-KMS Policy: "If the key
 * policy exceeds the length constraint, KMS returns a LimitExceededException"); policy.ts checks those.
 */
const LENGTH_AS_LIMIT = new Set(['CreateKey.Policy', 'PutKeyPolicy.Policy']);

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Blob members arrive base64-encoded in JSON 1.1. */
export function decodeBlob(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !BASE64.test(value.replace(/\s+/g, ''))) return undefined;
  return Buffer.from(value, 'base64');
}

function serialization(): AwsError {
  return new AwsError('SerializationException', '');
}

function checkMember(path: string, value: unknown, spec: MemberSpec, errors: string[], memberKey?: string): void {
  if (value === undefined || value === null) {
    if (spec.required) errors.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return;
  }
  const shown = (v: unknown): string => (spec.sensitive ? 'Value' : `Value '${String(v)}'`);
  switch (spec.t) {
    case 'string': {
      if (typeof value !== 'string') throw serialization();
      const allowed = (memberKey && RECORDED_ENUMS[memberKey]) || spec.enum;
      if (allowed && !allowed.includes(value)) {
        errors.push(`${shown(value)} at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
        return;
      }
      if (spec.max !== undefined && value.length > spec.max) {
        if (!(memberKey && LENGTH_AS_LIMIT.has(memberKey)))
          errors.push(`${shown(value)} at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${spec.max}`);
      } else if (spec.min !== undefined && value.length < spec.min)
        errors.push(`${shown(value)} at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${spec.min}`);
      else if (spec.pattern && !new RegExp(`^(?:${spec.pattern.replace(/^\^|\$$/g, '')})$`, 'u').test(value))
        errors.push(`${shown(value)} at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${spec.pattern}`);
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization();
      if (spec.min !== undefined && value < spec.min)
        errors.push(`${shown(value)} at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${spec.min}`);
      else if (spec.max !== undefined && value > spec.max)
        errors.push(`${shown(value)} at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${spec.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw serialization();
      return;
    case 'blob': {
      const bytes = decodeBlob(value);
      if (!bytes) throw serialization();
      // The value of a blob is never echoed (AWS omits it for Plaintext; ciphertexts are just noise).
      if (spec.max !== undefined && bytes.length > spec.max)
        errors.push(`Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${spec.max}`);
      else if (spec.min !== undefined && bytes.length < spec.min)
        errors.push(`Value at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${spec.min}`);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) throw serialization();
      if (spec.max !== undefined && value.length > spec.max)
        errors.push(`Value '[${value.map(String).join(', ')}]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${spec.max}`);
      else if (spec.min !== undefined && value.length < spec.min)
        errors.push(`Value '[${value.map(String).join(', ')}]' at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${spec.min}`);
      value.forEach((item, i) => {
        if (spec.member) {
          if (item === null || typeof item !== 'object' || Array.isArray(item)) throw serialization();
          for (const [name, m] of Object.entries(spec.member))
            checkMember(`${path}.${i + 1}.member.${lowerFirst(name)}`, (item as Record<string, unknown>)[name], m, errors);
        } else if (spec.item) {
          checkMember(`${path}.${i + 1}.member`, item, spec.item, errors);
        }
      });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw serialization();
      for (const v of Object.values(value as Record<string, unknown>)) if (typeof v !== 'string') throw serialization();
      return;
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) throw serialization();
      for (const [name, m] of Object.entries(spec.members ?? {}))
        checkMember(`${path}.${lowerFirst(name)}`, (value as Record<string, unknown>)[name], m, errors);
      return;
    }
    default:
      return;
  }
}

/** Throws AWS's ValidationException for the first-level constraint violations of an operation's input. */
export function validateInput(operation: string, input: Record<string, unknown>): void {
  const shape = INPUT_SHAPES[operation];
  if (!shape) return;
  const errors: string[] = [];
  for (const [name, spec] of Object.entries(shape)) checkMember(lowerFirst(name), input[name], spec, errors, `${operation}.${name}`);
  if (errors.length === 0) return;
  const n = errors.length;
  throw validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
}
