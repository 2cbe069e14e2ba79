/**
 * A small seeded PRNG (mulberry32): 32 bits of state, uniform floats in [0, 1). Not for cryptography —
 * for fault injection that a seed makes reproducible: the same seed and the same sequence of requests
 * give the same faults.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
