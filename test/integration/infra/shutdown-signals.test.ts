import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/shutdown-child.ts', import.meta.url));

interface Run {
  output: () => string;
  exited: Promise<{ code: number | null; ms: number }>;
  signal: (s: NodeJS.Signals) => void;
  waitFor: (text: string) => Promise<void>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let signalledAt = 0;
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
    child.on('exit', (code) => resolve({ code, ms: Date.now() - signalledAt }));
  });
  return {
    output: () => out,
    exited,
    signal: (s) => { signalledAt ||= Date.now(); child.kill(s); },
    waitFor: async (text) => {
      while (!out.includes(text)) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

describe('Shutdown with real signals', function () {
  this.timeout(20_000);

  it('SIGTERM runs the steps and exits 0', async () => {
    const run = start({ STEP_MS: '50' });
    await run.waitFor('child ready');
    run.signal('SIGTERM');
    const { code } = await run.exited;
    assert.equal(code, 0, run.output());
    assert.match(run.output(), /Stopped slow step/);
    assert.match(run.output(), /Shutdown complete/);
  });

  it('a second Ctrl-C exits at once with 130', async () => {
    const run = start({ STEP_MS: '10000', TIMEOUT_MS: '15000' });
    await run.waitFor('child ready');
    run.signal('SIGINT');
    await run.waitFor('Shutting down');
    // A repeat within 500 ms is taken for the same Ctrl-C delivered twice (terminal plus a relaying wrapper).
    run.signal('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 700));
    run.signal('SIGINT');
    const { code, ms } = await run.exited;
    assert.equal(code, 130, run.output());
    assert.ok(ms < 4_000, `took ${ms} ms`);
    assert.match(run.output(), /again during shutdown/);
  });

  it('exits 1 at the deadline when a step hangs', async () => {
    const run = start({ STEP_MS: '10000', TIMEOUT_MS: '300' });
    await run.waitFor('child ready');
    run.signal('SIGTERM');
    const { code, ms } = await run.exited;
    assert.equal(code, 1, run.output());
    assert.ok(ms >= 300 && ms < 3_000, `took ${ms} ms`);
    assert.match(run.output(), /stuck in \\"slow step\\"/);
  });
});
