import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { CosignerSigner } from '../core/cosignature.ts';
import type { NoteVerifier } from '../core/signed-note.ts';
import { directoryCheckpointStore } from './checkpoint-store.ts';
import { createWitness, type WitnessOptions } from './witness.ts';

export type RunningWitness = { url: string; close: () => Promise<void> };

/**
 * Runs a witness over HTTP, its state in `dataDir`; resolves once it listens. Port 0 takes a free
 * port (the in-process witnesses of the demo).
 */
export function startWitnessServer(options: {
  signer: CosignerSigner;
  logs: readonly NoteVerifier[];
  dataDir: string;
  port: number;
  host: string;
  onRefusal?: WitnessOptions['onRefusal'];
}): Promise<RunningWitness> {
  const app = createWitness({ signer: options.signer, logs: options.logs, store: directoryCheckpointStore(options.dataDir), onRefusal: options.onRefusal });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({ url: `http://${host}:${info.port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
    server.once('error', reject);
  });
}
