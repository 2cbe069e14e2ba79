import { createServer, maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { answerClientError } from './core/client-error.js';
import { Emulator, type EmulatorConfig } from './core/emulator.js';
import { handleRequest } from './core/pipeline.js';
import { registerFaults } from './faults/index.js';
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
  registerFaults(emulator);
  // The request each connection is on, so that a parse error mid-body is answered in that request's protocol.
  const inflight = new WeakMap<Duplex, IncomingMessage>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inflight.set(req.socket, req);
    handleRequest(emulator, req, res).catch((e: unknown) => {
      process.stderr.write(`kms-lab emulator: failed to answer a request: ${e instanceof Error ? e.message : String(e)}\n`);
      res.destroy();
    });
  };
  // Node would answer a request without Host, or with an Expect other than 100-continue, itself with a bare
  // 400 / 417; the services answer them instead, in their own protocol (a signed request signs its Host).
  const server: Server = createServer({ keepAlive: true, requireHostHeader: false }, onRequest);
  server.on('checkExpectation', onRequest);
  // A client that stops mid-request must not keep a socket forever.
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  server.on('clientError', (err: Error, socket: Duplex) => answerClientError(emulator, err, socket, inflight.get(socket), maxHeaderSize));
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
