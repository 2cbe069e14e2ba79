import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Emulator, type EmulatorConfig } from './core/emulator.js';
import { handleRequest } from './core/pipeline.js';
import { registerServices } from './services.js';

export interface StartOptions extends Partial<EmulatorConfig> {
  host?: string;
  /** 0 picks a free ephemeral port. */
  port?: number;
}

export interface RunningEmulator {
  url: string;
  host: string;
  port: number;
  emulator: Emulator;
  stop(): Promise<void>;
}

/** Starts the embedded AWS on one HTTP endpoint. Used by `kms-lab emulator`, the embedded target and the tests. */
export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const { host = '127.0.0.1', port = 4566, ...config } = options;
  const emulator = new Emulator(config);
  registerServices(emulator);
  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    handleRequest(emulator, req, res).catch((e: unknown) => {
      process.stderr.write(`kms-lab emulator: failed to answer a request: ${e instanceof Error ? e.message : String(e)}\n`);
      res.destroy();
    });
  });
  // A client that stops mid-request must not keep a socket forever.
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    emulator,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
