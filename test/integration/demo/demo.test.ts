/**
 * `npm run demo` as a newcomer runs it: the real service in its own process,
 * seeded through the API, forwarding in every direction, stopped cleanly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from '../../helpers/namespace.ts';
import { freePort } from '../infra/free-port.ts';

const DEMO = fileURLToPath(new URL('../../../demo/demo-main.ts', import.meta.url));

describe('npm run demo', function () {
  this.timeout(120_000);

  it('forwards in every direction within 30 s, reports progress, and stops with exit 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-demo-'));
    try {
      const env = testEnv({ DATA_DIR: dataDir, API_PORT: String(await freePort()), LOG_LEVEL: 'info' });
      const child = spawn(process.execPath, ['--import', 'tsx', DEMO, '--seconds', '12', '--every-ms', '500', '--burst-every-s', '4', '--burst', '5'], {
        env, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, out);
      const ready = /forwarding in every direction, ([\d.]+) s after the demo started/.exec(out);
      assert.ok(ready, out);
      console.log(`      forwarding in every direction ${ready[1]} s after start`);
      assert.ok(Number(ready[1]) < 30, out);
      for (const tier of ['admin', 'free', 'pro', 'elite']) assert.match(out, new RegExp(`${tier}@demo\\.switchboard\\.local`));
      assert.match(out, /burst of 5 messages/);
      const last = out.split('\n').filter((l) => l.startsWith('demo: delivered/posted')).at(-1) ?? '';
      for (const label of ['free DC→DC', 'pro TG→DC', 'elite DC→DC', 'elite DC→TG', 'elite TG→TG']) {
        const m = new RegExp(`${label} (\\d+)/(\\d+)`).exec(last);
        assert.ok(m && Number(m[1]) > 1, `${label} moved: ${last}`);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
