/**
 * Runs `npx tsx src/main.ts` as `npm start` would, in its own process group
 * (so a test can press "Ctrl-C" on the whole group as a terminal does), and
 * watches its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { HealthBody } from '../../../src/api/routes/health.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceRun {
  child: ChildProcess;
  stdout(): string;
  /** stderr without npm's own warnings about the user's npm configuration. */
  stderr(): string;
  /** The JSON log lines written so far. */
  logLines(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line whose `msg` is `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function startService(env: NodeJS.ProcessEnv): ServiceRun {
  const child = spawn('npx', ['tsx', 'src/main.ts'], { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => { hasExited = true; });
  const logLines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const stderr = () => err.split('\n').filter((l) => !l.startsWith('npm warn')).join('\n');
  return {
    child,
    stdout: () => out,
    stderr,
    logLines,
    exited,
    async waitForLog(msg, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = logLines().find((l) => l.msg === msg);
        if (line) return line;
        if (hasExited || Date.now() > deadline) {
          throw new Error(`no "${msg}" log line${hasExited ? ' before exit' : ''}\n--- stdout\n${out}\n--- stderr\n${stderr()}`);
        }
        await sleep(50);
      }
    },
  };
}

/** GETs /v1/health once it answers; fails at once, with the output, if the service exits first. */
export async function waitForHealth(port: number, run: ServiceRun, timeoutMs = 60_000): Promise<HealthBody> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void run.exited.then(() => { exited = true; });
  for (;;) {
    if (exited) throw new Error(`the service exited before /v1/health answered\n--- stdout\n${run.stdout()}\n--- stderr\n${run.stderr()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/health`);
      if (res.ok) return (await res.json()) as HealthBody;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`/v1/health on port ${port} did not answer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** PIDs of processes whose command line contains any of `needles` (Linux /proc). */
export async function processesMatching(needles: string[]): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (needles.some((n) => cmdline.includes(n))) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}
