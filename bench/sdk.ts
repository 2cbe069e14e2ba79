import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { clientConfig, PLAINTEXT_1K, provision } from './lib/fixture.js';
import { startCeiling, startEmulatorProcess, type Proc } from './lib/procs.js';
import { log, median, percentile, round } from './lib/stats.js';

/**
 * 2b. What an SDK user waits for: AWS SDK v3 KMS client (keep-alive agent), Encrypt 1 KiB, sequential and
 * 8 concurrent callers, against the emulator and against the bare ceiling (same answer bytes), alternating.
 */
export interface SdkSide { rps: number; p50ms: number; p99ms: number }
export interface SdkRow { mode: 'sequential' | 'concurrency 8'; emulator: SdkSide; ceiling: SdkSide; ratio: number }
export interface SdkResult { seconds: number; rounds: number; rows: SdkRow[] }

async function drive(client: KMSClient, keyId: string, workers: number, seconds: number): Promise<{ rps: number; p50ms: number; p99ms: number }> {
  const lat: number[] = [];
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: PLAINTEXT_1K }));
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { rps: lat.length / elapsed, p50ms: percentile(lat, 50), p99ms: percentile(lat, 99) };
}

export async function sdk(opts: { seconds: number; rounds: number }): Promise<SdkResult> {
  log('sdk: starting the emulator and the ceiling');
  const emulator = await startEmulatorProcess();
  let ceiling: Proc | undefined;
  const clients: KMSClient[] = [];
  try {
    const f = await provision(emulator.url, 'sdk', false);
    const agent = () => ({ httpAgent: new Agent({ keepAlive: true, maxSockets: 8 }) });
    const emu = new KMSClient({ ...clientConfig(emulator.url, f.user), requestHandler: agent() });
    clients.push(emu);
    const first = await emu.send(new EncryptCommand({ KeyId: f.keyId, Plaintext: PLAINTEXT_1K }));
    // The ceiling answers this very Encrypt answer, so the SDK parses the same bytes from both.
    const body = JSON.stringify({ CiphertextBlob: Buffer.from(first.CiphertextBlob!).toString('base64'), EncryptionAlgorithm: first.EncryptionAlgorithm, KeyId: first.KeyId });
    const bodyFile = join(tmpdir(), `kms-lab-sdk-ceiling-${process.pid}.json`);
    writeFileSync(bodyFile, body);
    ceiling = await startCeiling(bodyFile, 'application/x-amz-json-1.1');
    const ceil = new KMSClient({ ...clientConfig(ceiling.url, f.user), requestHandler: agent() });
    clients.push(ceil);

    const rows: SdkRow[] = [];
    for (const [mode, workers] of [['sequential', 1], ['concurrency 8', 8]] as const) {
      log(`sdk: Encrypt 1 KiB, ${mode}`);
      await drive(emu, f.keyId, workers, 1);
      await drive(ceil, f.keyId, workers, 1);
      const e: SdkSide[] = [];
      const c: SdkSide[] = [];
      for (let r = 0; r < opts.rounds; r++) {
        if (r % 2 === 0) {
          e.push(await drive(emu, f.keyId, workers, opts.seconds));
          c.push(await drive(ceil, f.keyId, workers, opts.seconds));
        } else {
          c.push(await drive(ceil, f.keyId, workers, opts.seconds));
          e.push(await drive(emu, f.keyId, workers, opts.seconds));
        }
      }
      const m = (xs: SdkSide[]): SdkSide => ({ rps: median(xs.map((x) => x.rps)), p50ms: median(xs.map((x) => x.p50ms)), p99ms: median(xs.map((x) => x.p99ms)) });
      const em = m(e);
      const cm = m(c);
      rows.push({ mode, emulator: em, ceiling: cm, ratio: round(em.rps / cm.rps, 3) });
    }
    return { seconds: opts.seconds, rounds: opts.rounds, rows };
  } finally {
    for (const c of clients) c.destroy();
    await Promise.all([emulator.stop(), ceiling?.stop()]);
  }
}
