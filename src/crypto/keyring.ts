/**
 * The keys that seal secrets at rest. Several keys can be configured at once
 * so that rotation is a two-step affair: add a new current key, re-encrypt
 * (see rotate-secrets.ts), and only then drop the old key.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load-config.ts';
import { ConfigInvalidError } from '../errors/registry.ts';

/** Every key Switchboard may open secrets with, and the one it seals with. */
export interface Keyring {
  /** Id of the key new secrets are sealed with; always a key of `keys`. */
  readonly current: string;
  /** Key id to 32-byte AES-256 key. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** Id of the generated development key. */
export const DEV_KEY_ID = 'dev1';
/** Name of the development key file inside DATA_DIR. */
export const DEV_KEY_FILE = 'secret-keys';

// Same grammar as the SECRET_KEYS check in config-schema.ts; repeated here
// because the development key file is read without going through config.
const KEY_ENTRY = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]{43}=)$/;

/**
 * Parses `keyId:base64,keyId:base64` (the SECRET_KEYS format). `current`
 * defaults to the last key listed, as SECRET_KEY_CURRENT documents. `source`
 * only names the input in error messages.
 */
export function parseKeyring(secretKeys: string, current?: string, source = 'SECRET_KEYS'): Keyring {
  const keys = new Map<string, Buffer>();
  let last: string | undefined;
  for (const raw of secretKeys.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = KEY_ENTRY.exec(entry);
    // Never echo the entry: it holds key material.
    if (!match) throw invalid(`${source} must be comma-separated keyId:base64 entries, each key 32 bytes (openssl rand -base64 32)`);
    const [, id, b64] = match as unknown as [string, string, string];
    if (keys.has(id)) throw invalid(`${source} names a key id twice`);
    keys.set(id, Buffer.from(b64, 'base64'));
    last = id;
  }
  if (last === undefined) throw invalid(`${source} holds no key`);
  const chosen = current ?? last;
  if (!keys.has(chosen)) throw invalid('SECRET_KEY_CURRENT must name a key id listed in SECRET_KEYS');
  return Object.freeze({ current: chosen, keys });
}

function invalid(problem: string): InstanceType<typeof ConfigInvalidError> {
  return new ConfigInvalidError({ problems: [problem] });
}

/**
 * The development keyring: `DATA_DIR/secret-keys`, created on first use with
 * one random key `dev1` (mode 0600) and reused afterwards, so secrets stored in
 * a development database survive restarts. Warns loudly every time, because a
 * key lying next to the data protects nothing.
 */
export function loadOrCreateDevKeyring(dataDir: string, logger: Pick<Logger, 'warn'>): Keyring {
  const dir = resolve(dataDir);
  const file = join(dir, DEV_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created = createOnce(file, `${DEV_KEY_ID}:${randomBytes(32).toString('base64')}\n`);
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    logger.warn({ file, mode: mode.toString(8) }, 'development secret key file is readable by other users; chmod 600 it');
  }
  const keyring = parseKeyring(readFileSync(file, 'utf8'), undefined, file);
  logger.warn(
    { file, keyId: keyring.current, created },
    '!!! SECRET_KEYS is not set: secrets are sealed with a DEVELOPMENT-ONLY key stored in DATA_DIR. ' +
      'Never use this in production; set SECRET_KEYS (openssl rand -base64 32) !!!',
  );
  return keyring;
}

/**
 * Writes `content` to `file` unless it exists. The key is written to a private
 * temporary file first and hard-linked into place, so processes starting
 * together (supervisor, workers) never see a half-written key and never
 * overwrite each other's: exactly one link succeeds.
 */
function createOnce(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * The process keyring from validated configuration: SECRET_KEYS when set,
 * else the development key (config validation already refuses production
 * without SECRET_KEYS; the check is repeated so no path can skip it).
 */
export function keyringFromConfig(
  config: Pick<Config, 'NODE_ENV' | 'SECRET_KEYS' | 'SECRET_KEY_CURRENT' | 'DATA_DIR'>,
  logger: Pick<Logger, 'warn'>,
): Keyring {
  if (config.SECRET_KEYS !== undefined) return parseKeyring(config.SECRET_KEYS, config.SECRET_KEY_CURRENT);
  if (config.NODE_ENV === 'production') throw invalid('SECRET_KEYS is required when NODE_ENV is production');
  return loadOrCreateDevKeyring(config.DATA_DIR, logger);
}
