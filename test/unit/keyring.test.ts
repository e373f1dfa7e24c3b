import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { DEV_KEY_FILE, keyringFromConfig, loadOrCreateDevKeyring, parseKeyring } from '../../src/crypto/keyring.ts';
import { ConfigInvalidError } from '../../src/errors/registry.ts';

const KEY_1 = Buffer.alloc(32, 1).toString('base64');
const KEY_2 = Buffer.alloc(32, 2).toString('base64');

/** A pino logger whose lines land in an array. */
function memoryLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigInvalidError);
    return err.details.problems.join('\n');
  }
  assert.fail('expected a ConfigInvalidError');
}

describe('keyring', () => {
  describe('parseKeyring', () => {
    it('decodes every key and makes the last one current by default', () => {
      const k = parseKeyring(` k1:${KEY_1} , k2:${KEY_2}`);
      assert.equal(k.current, 'k2');
      assert.deepEqual([...k.keys.keys()], ['k1', 'k2']);
      assert.deepEqual(k.keys.get('k1'), Buffer.alloc(32, 1));
      assert.equal(k.keys.get('k2')!.length, 32);
    });

    it('honours an explicit current key', () => {
      assert.equal(parseKeyring(`k1:${KEY_1},k2:${KEY_2}`, 'k1').current, 'k1');
    });

    it('refuses bad input without echoing key material', () => {
      const short = Buffer.alloc(16, 3).toString('base64');
      const problem = problemOf(() => parseKeyring(`k1:${short}`));
      assert.match(problem, /32 bytes/);
      assert.ok(!problem.includes(short));
      assert.match(problemOf(() => parseKeyring(`k1:${KEY_1},k1:${KEY_2}`)), /twice/);
      assert.match(problemOf(() => parseKeyring(`k1:${KEY_1}`, 'k9')), /SECRET_KEY_CURRENT/);
      assert.match(problemOf(() => parseKeyring(' , ')), /no key/);
      assert.match(problemOf(() => parseKeyring(`bad.id:${KEY_1}`)), /keyId:base64/);
    });
  });

  describe('development key', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sb-keyring-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('creates the key once with mode 0600, then reuses it', () => {
      const dataDir = join(dir, 'nested', 'var');
      const { logger, lines } = memoryLogger();
      const first = loadOrCreateDevKeyring(dataDir, logger);
      const file = join(dataDir, DEV_KEY_FILE);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(first.current, 'dev1');
      assert.equal(first.keys.get('dev1')!.length, 32);
      const content = readFileSync(file, 'utf8');

      const second = loadOrCreateDevKeyring(dataDir, logger);
      assert.deepEqual(second.keys.get('dev1'), first.keys.get('dev1'));
      assert.equal(readFileSync(file, 'utf8'), content);
      assert.deepEqual(readdirSync(dataDir), [DEV_KEY_FILE], 'no temporary file is left behind');

      const warnings = lines.filter((l) => l.level === 40);
      assert.equal(warnings.length, 2);
      assert.match(String(warnings[0]!.msg), /DEVELOPMENT-ONLY/);
      assert.deepEqual(warnings.map((w) => w.created), [true, false]);
      assert.ok(!JSON.stringify(lines).includes(first.keys.get('dev1')!.toString('base64')), 'the key is never logged');
    });

    it('warns when the key file became readable by others', () => {
      const { logger, lines } = memoryLogger();
      loadOrCreateDevKeyring(dir, logger);
      chmodSync(join(dir, DEV_KEY_FILE), 0o644);
      loadOrCreateDevKeyring(dir, logger);
      assert.ok(lines.some((l) => /readable by other users/.test(String(l.msg))));
    });

    it('is what keyringFromConfig uses only when SECRET_KEYS is unset outside production', () => {
      const { logger } = memoryLogger();
      const base = { DATA_DIR: dir, SECRET_KEY_CURRENT: undefined } as const;
      assert.equal(keyringFromConfig({ ...base, NODE_ENV: 'development', SECRET_KEYS: undefined }, logger).current, 'dev1');
      assert.equal(keyringFromConfig({ ...base, NODE_ENV: 'production', SECRET_KEYS: `p1:${KEY_1}` }, logger).current, 'p1');
      assert.match(problemOf(() => keyringFromConfig({ ...base, NODE_ENV: 'production', SECRET_KEYS: undefined }, logger)), /production/);
    });
  });
});
