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

async function waitFor<T>(what: string, get: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * What the demo suggests a newcomer try: as its admin, lower the supervisor's
 * RAM watermarks under what the host uses (through the API the dashboard's
 * Runtime page calls) and see the Free sessions paused while Elite runs, then
 * raise them and see everything run again.
 */
async function pressurePausesFree(api: string, out: () => string): Promise<{ free: string; elite: string; resumed: boolean }> {
  const [, email, password] = await waitFor('the demo sign-ins', () => /^\s+admin\s+(\S+)\s+\/\s+(.+)$/m.exec(out()) ?? undefined, 90_000);
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() as Record<string, unknown> & { items?: Array<{ tier: string; state: string; supervisorId: string }> } };
  };
  const token = (await call('POST', '/v1/auth/login', undefined, { email, password })).body.accessToken as string;
  const sessions = async () => (await call('GET', '/v1/admin/sessions', token)).body.items ?? [];
  const supervisorId = (await waitFor('sessions running', async () => (await sessions()).find((s) => s.state === 'running')))?.supervisorId;
  // Any real host uses more than 1 % of its RAM.
  assert.equal((await call('PUT', `/v1/admin/supervisors/${supervisorId}/pressure`, token, { highWatermark: 0.01, lowWatermark: 0.005 })).status, 200);
  const during = await waitFor('Free paused', async () => {
    const all = await sessions();
    const free = all.filter((s) => s.tier === 'free');
    return free.length > 0 && free.every((s) => s.state === 'paused') ? all : undefined;
  });
  const elite = during.filter((s) => s.tier === 'elite').every((s) => s.state === 'running' || s.state === 'idle') ? 'running' : 'paused';
  assert.equal((await call('PUT', `/v1/admin/supervisors/${supervisorId}/pressure`, token, { highWatermark: 0.999, lowWatermark: 0.998 })).status, 200);
  const resumed = await waitFor('everything running again', async () => ((await sessions()).every((s) => s.state !== 'paused') ? true : undefined));
  return { free: 'paused', elite, resumed };
}

describe('npm run demo', function () {
  this.timeout(120_000);

  it('forwards in every direction within 30 s, reports progress, pauses Free first when an admin lowers the watermarks, and stops with exit 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-demo-'));
    try {
      const env = testEnv({ DATA_DIR: dataDir, API_PORT: String(await freePort()), LOG_LEVEL: 'info' });
      const child = spawn(process.execPath, ['--import', 'tsx', DEMO, '--seconds', '20', '--every-ms', '500', '--burst-every-s', '4', '--burst', '5'], {
        env, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      const paused = await pressurePausesFree(`http://127.0.0.1:${env.API_PORT}`, () => out).catch((err: unknown) => {
        child.kill('SIGINT');
        throw new Error(`${(err as Error).message}\n${out}`);
      });
      const code = await closed;
      assert.equal(code, 0, out);
      const ready = /forwarding in every direction, ([\d.]+) s after the demo started/.exec(out);
      assert.ok(ready, out);
      console.log(`      forwarding in every direction ${ready[1]} s after start`);
      assert.ok(Number(ready[1]) < 30, out);
      for (const tier of ['admin', 'free', 'pro', 'elite']) assert.match(out, new RegExp(`${tier}@demo\\.switchboard\\.local`));
      assert.match(out, /burst of 5 messages/);
      assert.deepEqual(paused, { free: 'paused', elite: 'running', resumed: true }, 'lowering the watermarks pauses Free first; raising them resumes it');
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
