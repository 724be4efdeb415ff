import path from 'node:path';
import { z } from 'zod';
import { parseWitnessList, type WitnessEndpoint } from './journal/public.ts';
import { isProxyEntry } from './web/client-address.ts';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  OREBOOK_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  OREBOOK_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, 'a schema-less URL without spaces or "+", e.g. orebook.example.org/journal')
    .default('orebook.local/journal'),
  /** Where people reach this registry's pages: signed into certificates and their QR codes. */
  OREBOOK_PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\/[^/]+$/, 'a scheme and host without a path, e.g. https://registry.example.org')
    .optional(),
  /** 32 bytes, base64: seals children's names; by default a key file made in the data dir. */
  OREBOOK_CHILDREN_KEY: z.string().optional(),
  OREBOOK_SIGNING_KEY: z.string().optional(),
  OREBOOK_RETIRED_KEYS: z.string().optional(),
  /**
   * Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For and
   * X-Forwarded-Proto are believed; none by default, when the socket's peer is the client.
   */
  OREBOOK_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .refine((entries) => entries.every(isProxyEntry), 'IP addresses or CIDR ranges separated by commas, e.g. 127.0.0.1,10.0.0.0/8'),
  /** Seals the private signing keys in `orebook backup --include-private-keys` and opens them on restore. */
  OREBOOK_BACKUP_PASSPHRASE: z.string().min(1).optional(),
  /**
   * Witnesses that cosign each checkpoint (C2SP tlog-witness): one per line or comma, each
   * `<verifier key> <URL prefix>`; none by default.
   */
  OREBOOK_WITNESSES: z.string().default(''),
  /** k of the witness policy "k of n" published to readers; by default all of them. */
  OREBOOK_WITNESS_QUORUM: z.coerce.number().int().min(1).optional(),
  OREBOOK_SECURE_COOKIES: z.enum(['auto', 'always', 'never']).default('auto'),
  OREBOOK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OREBOOK_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  OREBOOK_UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(12 * 1_048_576),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  origin: string;
  /** e.g. `https://registry.example.org`; by default `http://localhost:{PORT}`. */
  publicUrl: string;
  signingKey: string | undefined;
  childrenKey: string | undefined;
  retiredKeys: string | undefined;
  backupPassphrase: string | undefined;
  secureCookies: 'auto' | 'always' | 'never';
  trustedProxies: string[];
  logLevel: string;
  witnesses: WitnessEndpoint[];
  /** Undefined: all the witnesses. */
  witnessQuorum: number | undefined;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
};

/** Reads and validates the environment once; a bad value stops the process with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let witnesses: WitnessEndpoint[];
  try {
    witnesses = parseWitnessList(e.OREBOOK_WITNESSES);
  } catch (error) {
    throw new Error(`invalid configuration:\n  OREBOOK_WITNESSES: ${(error as Error).message}`);
  }
  if (e.OREBOOK_WITNESS_QUORUM !== undefined && e.OREBOOK_WITNESS_QUORUM > witnesses.length) {
    throw new Error(`invalid configuration:\n  OREBOOK_WITNESS_QUORUM: ${e.OREBOOK_WITNESS_QUORUM} is more than the ${witnesses.length} witnesses in OREBOOK_WITNESSES`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.OREBOOK_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    origin: e.OREBOOK_ORIGIN,
    publicUrl: e.OREBOOK_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    signingKey: e.OREBOOK_SIGNING_KEY,
    childrenKey: e.OREBOOK_CHILDREN_KEY,
    retiredKeys: e.OREBOOK_RETIRED_KEYS,
    backupPassphrase: e.OREBOOK_BACKUP_PASSPHRASE,
    secureCookies: e.OREBOOK_SECURE_COOKIES,
    trustedProxies: e.OREBOOK_TRUSTED_PROXIES,
    logLevel: e.OREBOOK_LOG_LEVEL,
    witnesses,
    witnessQuorum: e.OREBOOK_WITNESS_QUORUM,
    bodyLimitBytes: e.OREBOOK_BODY_LIMIT_BYTES,
    uploadLimitBytes: e.OREBOOK_UPLOAD_LIMIT_BYTES,
  };
}
