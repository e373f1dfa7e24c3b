/**
 * Whether a Redis server's settings keep what Switchboard writes there:
 * accepted forwarding tasks, source cursors, leases, sealed sessions. Pure:
 * settings in, problems out, each with the exact warning the log shows.
 *
 * - `appendonly yes`: without the append-only file a restart brings back at
 *   most the last RDB snapshot (minutes old, or nothing with `save ""`), so
 *   tasks acknowledged to the engine vanish and cursors jump back or forth.
 * - `appendfsync everysec` (or `always`): with `no` the kernel decides when
 *   the file reaches the disk (typically up to 30 s), so a host crash loses
 *   that much accepted work; `everysec` bounds it to a second.
 * - `maxmemory-policy noeviction`: any other policy lets a full Redis delete
 *   keys to make room, pending tasks and leases included; `noeviction`
 *   refuses the write instead, which the engine retries and reports.
 */

/** The settings read from the server (`CONFIG GET`); null when the server did not answer for one. */
export interface RedisPersistenceSettings {
  appendonly: string | null;
  appendfsync: string | null;
  maxmemoryPolicy: string | null;
}

export interface PersistenceProblem {
  /** The Redis setting at fault. */
  setting: 'appendonly' | 'appendfsync' | 'maxmemory-policy';
  /** Its value on the server; null when the server did not report it. */
  value: string | null;
  /** What it should be. */
  wanted: string;
  /** The warning logged for it, naming the risk and the fix. */
  message: string;
}

/** What production needs, as redis.conf lines (the README's "Redis in production" lists the same). */
export const SAFE_SETTINGS = 'appendonly yes, appendfsync everysec, maxmemory-policy noeviction';

const SAFE_FSYNC = new Set(['everysec', 'always']);

function unreported(setting: PersistenceProblem['setting'], wanted: string): PersistenceProblem {
  return {
    setting, value: null, wanted,
    message: `Redis did not report ${setting}, so it could not be checked: make sure the server runs with ${setting} ${wanted}`,
  };
}

/** Every setting that puts accepted work at risk, in a fixed order; empty when all are safe. */
export function persistenceProblems(settings: RedisPersistenceSettings): PersistenceProblem[] {
  const problems: PersistenceProblem[] = [];
  const appendonly = settings.appendonly?.toLowerCase() ?? null;
  if (appendonly === null) problems.push(unreported('appendonly', 'yes'));
  else if (appendonly !== 'yes') {
    problems.push({
      setting: 'appendonly', value: settings.appendonly, wanted: 'yes',
      message: `Redis runs with appendonly ${settings.appendonly}: a restart of Redis loses the forwarding tasks, cursors and leases written since its last snapshot; set appendonly yes`,
    });
  }
  // Without the append-only file its fsync policy means nothing: one problem, not two.
  if (appendonly === 'yes') {
    const fsync = settings.appendfsync?.toLowerCase() ?? null;
    if (fsync === null) problems.push(unreported('appendfsync', 'everysec'));
    else if (!SAFE_FSYNC.has(fsync)) {
      problems.push({
        setting: 'appendfsync', value: settings.appendfsync, wanted: 'everysec',
        message: `Redis runs with appendfsync ${settings.appendfsync}: a crash of its host loses whatever the kernel had not yet written (often 30 s of accepted forwarding tasks); set appendfsync everysec`,
      });
    }
  }
  const policy = settings.maxmemoryPolicy?.toLowerCase() ?? null;
  if (policy === null) problems.push(unreported('maxmemory-policy', 'noeviction'));
  else if (policy !== 'noeviction') {
    problems.push({
      setting: 'maxmemory-policy', value: settings.maxmemoryPolicy, wanted: 'noeviction',
      message: `Redis runs with maxmemory-policy ${settings.maxmemoryPolicy}: when full it deletes keys to make room, pending forwarding tasks and leases among them; set maxmemory-policy noeviction`,
    });
  }
  return problems;
}

/** The warning when the settings cannot be read at all (CONFIG renamed or refused, as managed services do). */
export function uncheckedMessage(reason: string): string {
  return `Redis persistence could not be checked (CONFIG GET refused: ${reason}): make sure the server runs with ${SAFE_SETTINGS}`;
}

/** One line naming every unsafe setting, for a refusal to start. */
export function summary(problems: readonly PersistenceProblem[]): string {
  return problems.map((p) => `${p.setting} is ${p.value ?? 'unreported'}, needs ${p.wanted}`).join('; ');
}
