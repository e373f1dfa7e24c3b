import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/load-config.ts';
import { parseKeyring } from '../../src/crypto/keyring.ts';
import { generateSecrets } from '../../src/crypto/generate-secrets.ts';

const CLI = fileURLToPath(new URL('../../src/cli/generate-secrets.ts', import.meta.url));

describe('secrets:generate', () => {
  it('gives every secret production requires, accepted as they are', () => {
    const secrets = generateSecrets(new Date('2026-12-04T10:00:00Z'));
    const config = parseConfig({ NODE_ENV: 'production', ...secrets });
    assert.equal(config.SECRET_KEYS, secrets.SECRET_KEYS);
    assert.equal(parseKeyring(secrets.SECRET_KEYS).current, 'k20261204');
    assert.equal(Buffer.from(secrets.JWT_SECRET, 'base64').length, 32);
    assert.notEqual(generateSecrets().JWT_SECRET, generateSecrets().JWT_SECRET);
  });

  it('prints .env lines, or JSON', () => {
    const lines = execFileSync(process.execPath, ['--import', 'tsx', CLI], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf('='))), ['SECRET_KEYS', 'JWT_SECRET', 'API_KEY_PEPPER']);
    const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.doesNotThrow(() => parseConfig({ NODE_ENV: 'production', ...env }));
    const json = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', CLI, '--json'], { encoding: 'utf8' })) as Record<string, string>;
    assert.deepEqual(Object.keys(json), ['SECRET_KEYS', 'JWT_SECRET', 'API_KEY_PEPPER']);
  });
});
