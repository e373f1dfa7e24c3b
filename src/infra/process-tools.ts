/**
 * Helpers for the server processes we start ourselves (embedded PostgreSQL,
 * redis-server): finding executables, telling a live server from a recycled
 * PID, and waiting for a process to go away.
 */
import { execFile } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { access, readFile, rename, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * True while `pid` names a running process. A zombie counts as gone: it holds
 * no port and no data directory, and its parent may never reap it.
 */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return true;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z';
}

/**
 * The executable name of a running process (`postgres`, `redis-server`), or
 * null when it cannot be told. Used to check that a PID read from a pid file
 * is still ours and not a number the kernel handed to something else.
 */
export async function commandName(pid: number): Promise<string | null> {
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => null);
  if (comm !== null) return comm.trim();
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (cmdline !== null) return cmdline.split('\0')[0]?.split('/').pop() ?? null;
  // No /proc (macOS): ask ps.
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'comm=', '-p', String(pid)], (error, stdout) => {
      resolve(error ? null : (stdout.trim().split('/').pop() ?? null));
    });
  });
}

/** Polls until `pid` is gone; resolves false if it is still there after `timeoutMs`. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Resolves once `child` has exited (at once if it already has); false after `timeoutMs`. */
export function waitForChildExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * Stops a child with `signal`, escalating to SIGKILL if it outlives
 * `timeoutMs`, and resolves once it has exited.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (await waitForChildExit(child, timeoutMs)) return;
  child.kill('SIGKILL');
  await waitForChildExit(child, 5_000);
}

/** Full path of `name` in the folders of `pathValue` (a PATH string), or null. */
export async function findOnPath(name: string, pathValue: string | undefined = process.env.PATH): Promise<string | null> {
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return null;
}

/** Rotate a server's own log file once it passes this size, keeping one older file. */
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * Opens a server's log file for appending and returns its descriptor, to hand
 * to the child as stdout/stderr (close it once spawned). A file rather than a
 * pipe, so a server outliving a crashed parent never blocks on a dead pipe.
 */
export async function openServerLog(path: string): Promise<number> {
  const size = await stat(path).then((s) => s.size, () => 0);
  if (size > LOG_ROTATE_BYTES) await rename(path, `${path}.1`);
  return openSync(path, 'a', 0o640);
}

/** The last `lines` lines of a text file, for error messages; empty if unreadable. */
export async function tailOfFile(path: string, lines = 15): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
