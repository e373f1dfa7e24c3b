/**
 * Talking to the supervisor a benchmark runs in a process of its own
 * (test/integration/forwarding/fixtures/supervisor-child.ts) over IPC. Not a
 * benchmark itself: bench/run.ts skips files starting with `_`.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The entry a benchmark spawns as the supervisor. */
export const SUPERVISOR_CHILD = fileURLToPath(new URL('../test/integration/forwarding/fixtures/supervisor-child.ts', import.meta.url));

/** The child's next message of `type`, after sending `send` if given. */
export function reply<T = unknown>(child: ChildProcess, type: string, send?: object): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type?: string }): void => {
      if (m.type !== type) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    if (send) child.send(send);
  });
}

/** SIGTERM, and until it exited; nothing when it already has. */
export async function stopChild(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
