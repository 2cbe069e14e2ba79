import { randomBytes, type KeyObject } from 'node:crypto';

/**
 * ECDSA over a digest the caller already computed (Sign/Verify with MessageType DIGEST). node:crypto only
 * signs messages it hashes itself, so the curve arithmetic for this one case is done here with BigInt
 * (SEC 1 v2 §4.1.3 / §4.1.4). RAW messages go through node:crypto (crypto-asymmetric.ts); the tests
 * cross-check both paths against node's verifier. Curve parameters: SEC 2 v2 (secp256k1) and FIPS 186-4
 * D.1.2 (P-256, P-384, P-521).
 */

interface Curve { p: bigint; a: bigint; n: bigint; gx: bigint; gy: bigint }

const P256: Curve = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};
const P384: Curve = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
  a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
  n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
  gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
};
const P521: Curve = {
  p: (1n << 521n) - 1n,
  a: (1n << 521n) - 4n,
  n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
  gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
};
const K256: Curve = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn,
  a: 0n,
  n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  gx: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  gy: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
};

const CURVES: Record<string, Curve> = { 'P-256': P256, 'P-384': P384, 'P-521': P521, secp256k1: K256 };

type Point = { x: bigint; y: bigint } | null; // null = point at infinity

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    const l = mod((3n * P.x * P.x + c.a) * inv(2n * P.y, c.p), c.p);
    const x = mod(l * l - 2n * P.x, c.p);
    return { x, y: mod(l * (P.x - x) - P.y, c.p) };
  }
  const l = mod((Q.y - P.y) * inv(Q.x - P.x, c.p), c.p);
  const x = mod(l * l - P.x - Q.x, c.p);
  return { x, y: mod(l * (P.x - x) - P.y, c.p) };
}

function mul(c: Curve, k: bigint, P: Point): Point {
  let R: Point = null;
  let A = P;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) R = add(c, R, A);
    A = add(c, A, A);
  }
  return R;
}

const toBig = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt('0x' + b.toString('hex')));
const fromB64u = (s: string): bigint => toBig(Buffer.from(s, 'base64url'));
const bitLength = (n: bigint): number => n.toString(2).length;

/** SEC 1 §4.1.3 step 5: the leftmost bitlen(n) bits of the digest. */
function digestInt(c: Curve, digest: Buffer): bigint {
  const e = toBig(digest);
  const excess = digest.length * 8 - bitLength(c.n);
  return excess > 0 ? e >> BigInt(excess) : e;
}

function curveOf(key: KeyObject): Curve {
  const crv = key.asymmetricKeyDetails?.namedCurve;
  const name = crv === 'prime256v1' ? 'P-256' : crv === 'secp384r1' ? 'P-384' : crv === 'secp521r1' ? 'P-521' : crv;
  const c = name ? CURVES[name] : undefined;
  if (!c) throw new Error(`unsupported curve ${String(crv)}`);
  return c;
}

function randomScalar(n: bigint): bigint {
  const len = Math.ceil(bitLength(n) / 8) + 8;
  for (;;) {
    const k = mod(toBig(randomBytes(len)), n);
    if (k !== 0n) return k;
  }
}

// DER: SEQUENCE { INTEGER r, INTEGER s } (the same encoding node:crypto and AWS KMS produce).
function derInt(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let b = Buffer.from(hex, 'hex');
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}
function derLength(n: number): Buffer {
  return n < 0x80 ? Buffer.from([n]) : Buffer.from([0x81, n]);
}
function encodeSig(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInt(r), derInt(s)]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}
function decodeSig(sig: Buffer): { r: bigint; s: bigint } | undefined {
  let i = 0;
  const len = (): number | undefined => {
    const first = sig[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    if (first === 0x81) return sig[i++];
    return undefined;
  };
  if (sig[i++] !== 0x30) return undefined;
  const total = len();
  if (total === undefined || i + total !== sig.length) return undefined;
  const ints: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    if (sig[i++] !== 0x02) return undefined;
    const l = len();
    if (l === undefined || l === 0 || i + l > sig.length) return undefined;
    ints.push(toBig(sig.subarray(i, i + l)));
    i += l;
  }
  return i === sig.length ? { r: ints[0], s: ints[1] } : undefined;
}

export function ecdsaSignDigest(privateKey: KeyObject, digest: Buffer): Buffer {
  const c = curveOf(privateKey);
  const jwk = privateKey.export({ format: 'jwk' });
  const d = fromB64u(String(jwk.d));
  const e = digestInt(c, digest);
  for (;;) {
    const k = randomScalar(c.n);
    const R = mul(c, k, { x: c.gx, y: c.gy });
    if (!R) continue;
    const r = mod(R.x, c.n);
    if (r === 0n) continue;
    const s = mod(inv(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return encodeSig(r, s);
  }
}

export function ecdsaVerifyDigest(publicKey: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const c = curveOf(publicKey);
  const rs = decodeSig(signature);
  if (!rs || rs.r <= 0n || rs.r >= c.n || rs.s <= 0n || rs.s >= c.n) return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const Q = { x: fromB64u(String(jwk.x)), y: fromB64u(String(jwk.y)) };
  const w = inv(rs.s, c.n);
  const e = digestInt(c, digest);
  const X = add(c, mul(c, mod(e * w, c.n), { x: c.gx, y: c.gy }), mul(c, mod(rs.r * w, c.n), Q));
  return X !== null && mod(X.x, c.n) === rs.r;
}
