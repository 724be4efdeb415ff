import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { cosignerVerifierKey } from './core/cosignature.ts';
import type { Keyring, WitnessEndpoint } from './journal/public.ts';
import { startWitnessServer } from './witness/serve-witness.ts';
import { loadOrCreateWitnessKey } from './witness/witness-key.ts';

/** The demo's two witnesses: names that say they are a demonstration, each with its own key. */
const demoWitnessNames = ['ngo.witness.demo.orebook.local', 'auditor.witness.demo.orebook.local'];

const demoWitnessDir = (config: Config, name: string) => path.join(config.dataDir, 'demo-witnesses', name);

/**
 * Forgets what the demo's witnesses saw: a reloaded demo is a new history, which they would
 * rightly refuse as a fork. Their keys stay.
 */
export function resetDemoWitnesses(config: Config): void {
  for (const name of demoWitnessNames) fs.rmSync(path.join(demoWitnessDir(config, name), 'logs'), { recursive: true, force: true });
}

/**
 * Starts the demo's witnesses in this process, on loopback ports the system picks, with their keys
 * and state in the data directory. A witness that cannot start is logged and left out: the demo
 * runs on without it.
 */
export async function startDemoWitnesses(config: Config, keyring: Keyring, logger: Logger): Promise<WitnessEndpoint[]> {
  const endpoints: WitnessEndpoint[] = [];
  for (const name of demoWitnessNames) {
    try {
      const dir = demoWitnessDir(config, name);
      const signer = loadOrCreateWitnessKey(path.join(dir, 'witness.key'), name);
      const witness = await startWitnessServer({
        signer,
        logs: keyring.verifiers,
        dataDir: dir,
        port: 0,
        host: '127.0.0.1',
        onRefusal: (refusal) => logger.warn({ witness: name, origin: refusal.origin, status: refusal.status, reason: refusal.reason }, 'demo witness refused a checkpoint'),
      });
      endpoints.push({ verifierKey: cosignerVerifierKey(signer), cosigner: { name, publicKey: signer.publicKey }, url: witness.url });
    } catch (error) {
      logger.error({ witness: name, err: (error as Error).message }, 'demo witness could not start; the demo runs without it');
    }
  }
  return endpoints;
}
