/**
 * `npm run switchboard -- <command>`: inspect and steer the running
 * supervisors through Redis (their status snapshots and admin command
 * streams), and grant or revoke the admin role in PostgreSQL. Every command
 * takes `--json`.
 *
 * Exit codes: 0 done; 1 failed (unknown id, no supervisor running, Redis or
 * supervisor unreachable, command refused); 2 bad arguments; 78 bad
 * configuration.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import { errorBody, readSnapshots, sendAdminCommand } from '../cluster/admin-channel.ts';
import type { AdminCommand, SessionState, SupervisorSnapshot } from '../cluster/status-snapshot.ts';
import { loadConfig } from '../config/load-config.ts';
import { TIERS_BY_PRIORITY, type Tier } from '../domain/plans/plan-types.ts';
import { CliUsageError, ConfigInvalidError } from '../errors/registry.ts';
import { SwitchboardError } from '../errors/switchboard-error.ts';
import { openAdminDatabase } from './admin-database.ts';
import { connectAdminRedis, redisTarget } from './admin-redis.ts';
import { setAdmin } from './admin-role.ts';
import { formatCommandDone, formatCommandRefused } from './format/command-result.ts';
import { formatDeadLetters, formatQueues, listQueues, summarizeQueues, type DeadLetterRow } from './format/queue-view.ts';
import { formatSessions, listSessions, SESSION_STATES } from './format/sessions-view.ts';
import { formatStatus, summarizeSupervisor } from './format/status-view.ts';
import { formatTopFrame } from './format/top-view.ts';
import { formatWorkers, listWorkers } from './format/workers-view.ts';
import { findSessionOwner, findWorkerOwner, requireSupervisors } from './locate-target.ts';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** sysexits.h EX_CONFIG, as `npm start` uses. */
const EXIT_CONFIG = 78;
/** Moves the cursor home and clears the screen. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

interface JsonOption {
  json?: boolean;
}
interface SupervisorOption extends JsonOption {
  supervisor?: string;
}
interface SessionsOptions extends SupervisorOption {
  user?: string;
  state?: SessionState;
  tier?: Tier;
  worker?: string;
}
interface TopOptions extends SupervisorOption {
  interval: number;
  iterations?: number;
  limit: number;
}
interface SteerOptions extends JsonOption {
  timeout: number;
}

/** What a command needs: the connection, and where it points for messages. */
interface Cluster {
  redis: Redis;
  where: string;
  snapshots(): Promise<SupervisorSnapshot[]>;
}

function print(json: boolean | undefined, data: unknown, text: string): void {
  console.log(json ? JSON.stringify(data) : text);
}

function report(json: boolean | undefined, error: unknown): void {
  const body = error instanceof SwitchboardError ? error.toJSON() : { error: errorBody(error) };
  if (json) console.log(JSON.stringify(body));
  else console.error(`switchboard: ${body.error.message} [${body.error.code}]`);
}

function exitCodeOf(error: unknown): number {
  if (error instanceof ConfigInvalidError) return EXIT_CONFIG;
  if (error instanceof CliUsageError) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** Loads the configuration, connects, runs `task`, and turns a failure into its message and exit code. */
async function withCluster(options: JsonOption, task: (cluster: Cluster) => Promise<void>): Promise<void> {
  let redis: Redis | undefined;
  try {
    const target = redisTarget(loadConfig());
    const connected = await connectAdminRedis(target);
    redis = connected;
    await task({ redis: connected, where: target.description, snapshots: () => readSnapshots(connected) });
  } catch (error) {
    report(options.json, error);
    process.exitCode = exitCodeOf(error);
  } finally {
    redis?.disconnect();
  }
}

/** Snapshots of the running supervisors; fails when there are none or `supervisorId` is not among them. */
async function runningSupervisors(cluster: Cluster, supervisorId?: string): Promise<SupervisorSnapshot[]> {
  const snapshots = await cluster.snapshots();
  requireSupervisors(snapshots, cluster.where, supervisorId);
  return snapshots;
}

/** Finds the supervisor a command is for, sends it, prints the reply. */
async function steer(
  options: SteerOptions,
  pick: (snapshots: SupervisorSnapshot[]) => { supervisorId: string; command: AdminCommand },
  format: (supervisorId: string, command: AdminCommand, result: unknown) => string = formatCommandDone,
  /** What in a result the operator must hear about as a failure (exit 1), e.g. ids that matched nothing; null when none. */
  shortfall: (result: unknown) => string | null = () => null,
): Promise<void> {
  await withCluster(options, async (cluster) => {
    const { supervisorId, command } = pick(await runningSupervisors(cluster));
    const reply = await sendAdminCommand(cluster.redis, supervisorId, command, { timeoutMs: options.timeout });
    if (reply.ok) {
      print(options.json, { supervisorId, command, result: reply.result }, format(supervisorId, command, reply.result));
      const problem = shortfall(reply.result);
      if (problem !== null) {
        if (!options.json) console.error(`switchboard: ${problem}`);
        process.exitCode = EXIT_FAILED;
      }
      return;
    }
    if (options.json) console.log(JSON.stringify({ error: { ...reply.error, supervisorId } }));
    else console.error(`switchboard: ${formatCommandRefused(supervisorId, command, reply.error)}`);
    process.exitCode = EXIT_FAILED;
  });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('Expected a positive whole number.');
  return n;
}

/** Commands take the first characters of an id, as `top` shows them, when only one id begins so. */
const BY_PREFIX = { prefix: true };

const program = new Command('switchboard')
  .description('Inspect and steer running Switchboard supervisors')
  .exitOverride()
  .showHelpAfterError();

const jsonOption = () => new Option('--json', 'print machine-readable JSON (errors as {"error":{code,message}})');
const supervisorOption = () => new Option('--supervisor <id>', 'only this supervisor');
const timeoutOption = () => new Option('--timeout <ms>', 'how long to wait for the supervisor to answer').argParser(positiveInt).default(10_000);

program
  .command('status')
  .description('one line per running supervisor: workers, sessions by state and tier, host memory')
  .addOption(supervisorOption())
  .addOption(jsonOption())
  .action((options: SupervisorOption) =>
    withCluster(options, async (cluster) => {
      const snapshots = await runningSupervisors(cluster, options.supervisor);
      const now = Date.now();
      const summaries = snapshots
        .filter((s) => options.supervisor === undefined || s.supervisorId === options.supervisor)
        .map((s) => summarizeSupervisor(s, now));
      print(options.json, summaries, formatStatus(summaries, now));
    }));

program
  .command('workers')
  .description('every worker process: state, sessions, memory, threads, restarts')
  .addOption(supervisorOption())
  .addOption(jsonOption())
  .action((options: SupervisorOption) =>
    withCluster(options, async (cluster) => {
      const rows = listWorkers(await runningSupervisors(cluster, options.supervisor), { supervisorId: options.supervisor });
      print(options.json, rows, formatWorkers(rows));
    }));

program
  .command('sessions')
  .description('every session: placement, state, memory, last activity')
  .option('--user <id>', 'only this user\'s sessions')
  .addOption(new Option('--state <state>', 'only sessions in this state').choices(SESSION_STATES))
  .addOption(new Option('--tier <tier>', 'only sessions of this tier').choices(TIERS_BY_PRIORITY))
  .option('--worker <id>', 'only sessions on this worker')
  .addOption(supervisorOption())
  .addOption(jsonOption())
  .action((options: SessionsOptions) =>
    withCluster(options, async (cluster) => {
      const snapshots = await runningSupervisors(cluster, options.supervisor);
      if (options.worker !== undefined) findWorkerOwner(snapshots, options.worker);
      const rows = listSessions(snapshots, {
        userId: options.user,
        state: options.state,
        tier: options.tier,
        workerId: options.worker,
        supervisorId: options.supervisor,
      });
      print(options.json, rows, formatSessions(rows, Date.now()));
    }));

program
  .command('top')
  .description('refreshing view of supervisors, workers, the queue and the largest sessions (q or Ctrl-C to quit)')
  .addOption(new Option('--interval <ms>', 'refresh interval').argParser(positiveInt).default(1_000))
  .addOption(new Option('--iterations <n>', 'stop after this many frames (default: run until interrupted)').argParser(positiveInt))
  .addOption(new Option('--limit <n>', 'sessions listed, largest memory first').argParser(positiveInt).default(20))
  .addOption(supervisorOption())
  .addOption(jsonOption())
  .action((options: TopOptions) =>
    withCluster(options, async (cluster) => {
      // Clearing only a terminal: piped into a file or a script, frames follow one another.
      const clear = process.stdout.isTTY ? CLEAR_SCREEN : '';
      const quit = quitOnKey();
      try {
        await topLoop(cluster, options, clear, quit.signal);
      } finally {
        quit.release();
      }
    }));

/** `q` (or Ctrl-C, which raw mode turns into a key) ends `top` at once; only when stdin is a terminal. */
function quitOnKey(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const stdin = process.stdin;
  if (!stdin.isTTY) return { signal: controller.signal, release: () => {} };
  const onData = (key: Buffer): void => {
    const k = key.toString();
    if (k === 'q' || k === 'Q' || k === '\u0003') controller.abort();
  };
  stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  return {
    signal: controller.signal,
    release: () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    },
  };
}

async function topLoop(cluster: Cluster, options: TopOptions, clear: string, quit: AbortSignal): Promise<void> {
  for (let frame = 0; options.iterations === undefined || frame < options.iterations; frame += 1) {
    if (frame > 0 && await sleep(options.interval, false, { signal: quit }).catch(() => true)) return;
    // No supervisor yet is a state to watch, not an error: top keeps refreshing.
    const snapshots = await cluster.snapshots();
    const now = Date.now();
    if (options.json) {
      const filter = { supervisorId: options.supervisor };
      const supervisors = snapshots
        .filter((s) => options.supervisor === undefined || s.supervisorId === options.supervisor)
        .map((s) => summarizeSupervisor(s, now));
      console.log(JSON.stringify({ at: now, supervisors, workers: listWorkers(snapshots, filter), sessions: listSessions(snapshots, filter) }));
    } else {
      const body = formatTopFrame(snapshots, now, { intervalMs: options.interval, sessionLimit: options.limit, supervisorId: options.supervisor });
      process.stdout.write(`${clear || (frame > 0 ? '\n' : '')}${body}\n`);
    }
  }
}

for (const verb of ['stop', 'pause', 'resume'] as const) {
  program
    .command(verb)
    .description(`${verb} a session, on whichever supervisor runs it`)
    .argument('<session>', 'session (actor) id')
    .addOption(timeoutOption())
    .addOption(jsonOption())
    .action((sessionId: string, options: SteerOptions) =>
      steer(options, (snapshots) => {
        const { supervisorId, session } = findSessionOwner(snapshots, sessionId, BY_PREFIX);
        return { supervisorId, command: { command: verb, sessionId: session.actorId } };
      }));
}

program
  .command('reassign')
  .description('move a session to another worker of its supervisor')
  .argument('<session>', 'session (actor) id')
  .requiredOption('--to <worker>', 'worker to move it to')
  .addOption(timeoutOption())
  .addOption(jsonOption())
  .action((sessionId: string, options: SteerOptions & { to: string }) =>
    steer(options, (snapshots) => {
      const { supervisorId, session } = findSessionOwner(snapshots, sessionId, BY_PREFIX);
      const { worker } = findWorkerOwner(snapshots, options.to, BY_PREFIX);
      return { supervisorId, command: { command: 'reassign', sessionId: session.actorId, toWorkerId: worker.workerId } };
    }));

program
  .command('drain')
  .description('move every session off a worker and stop giving it new ones')
  .argument('<worker>', 'worker id')
  .addOption(timeoutOption())
  .addOption(jsonOption())
  .action((workerId: string, options: SteerOptions) =>
    steer(options, (snapshots) => {
      const { supervisorId, worker } = findWorkerOwner(snapshots, workerId, BY_PREFIX);
      return { supervisorId, command: { command: 'drain', workerId: worker.workerId } };
    }));

program
  .command('queue')
  .description('each supervisor\'s forwarding queue per tier: waiting, in flight, wait p50/p99, dispatched, dead letters')
  .addOption(supervisorOption())
  .addOption(jsonOption())
  .action((options: SupervisorOption) =>
    withCluster(options, async (cluster) => {
      const snapshots = await runningSupervisors(cluster, options.supervisor);
      const rows = listQueues(snapshots, options.supervisor);
      const summaries = summarizeQueues(snapshots, options.supervisor);
      print(options.json, { tiers: rows, supervisors: summaries }, formatQueues(rows, summaries));
    }));

/** The supervisor a queue command is for: the one named, or the only one running. */
function queueOwner(snapshots: SupervisorSnapshot[], supervisorId: string | undefined): string {
  if (supervisorId !== undefined) return supervisorId;
  const withQueue = snapshots.filter((s) => s.queue !== null);
  if (withQueue.length === 1) return (withQueue[0] as SupervisorSnapshot).supervisorId;
  throw new CliUsageError({ message: `${withQueue.length} supervisors run a queue: name one with --supervisor` });
}

const deadLetters = program
  .command('dead-letters')
  .description('forwarding tasks that failed for good: list, replay or purge them');

deadLetters
  .command('list', { isDefault: true })
  .description('dead letters of a supervisor, oldest first')
  .addOption(new Option('--limit <n>', 'most listed').argParser(positiveInt).default(100))
  .addOption(supervisorOption())
  .addOption(timeoutOption())
  .addOption(jsonOption())
  .action((options: SteerOptions & SupervisorOption & { limit: number }) =>
    steer(options, (snapshots) => ({
      supervisorId: queueOwner(snapshots, options.supervisor),
      command: { command: 'dead-letters', action: 'list', limit: options.limit },
    }), (supervisorId, _command, result) => formatDeadLetters(supervisorId, result as DeadLetterRow[], Date.now())));

for (const action of ['replay', 'purge'] as const) {
  deadLetters
    .command(action)
    .description(action === 'replay' ? 'put dead letters back in the queue, attempts reset' : 'delete dead letters for good')
    .argument('[tasks...]', 'task ids')
    .option('--all', `${action} every dead letter`)
    .addOption(supervisorOption())
    .addOption(timeoutOption())
    .addOption(jsonOption())
    .action((tasks: string[], options: SteerOptions & SupervisorOption & { all?: boolean }) => {
      if ((tasks.length === 0) === (options.all !== true)) {
        program.error(`error: name the task ids to ${action}, or pass --all (not both)`, { exitCode: EXIT_USAGE });
      }
      return steer(options, (snapshots) => ({
        supervisorId: queueOwner(snapshots, options.supervisor),
        command: { command: 'dead-letters', action, ids: options.all === true ? 'all' : tasks },
      }), formatCommandDone, (result) => {
        const { missing = [] } = result as { missing?: string[] };
        return missing.length === 0 ? null : `not dead letters (unknown, or replayed or purged already): ${missing.join(', ')}`;
      });
    });
}

const admin = program
  .command('admin')
  .description('who is an administrator (in PostgreSQL: DATABASE_URL, else the embedded server npm start runs)');

for (const verb of ['grant', 'revoke'] as const) {
  admin
    .command(verb)
    .description(verb === 'grant' ? 'make a registered user an admin (audited)' : 'take the admin role back; the user keeps the role their plan gives (audited)')
    .argument('<email>', 'the user\'s email address')
    .addOption(jsonOption())
    .action(async (email: string, options: JsonOption) => {
      let orm: MikroORM | undefined;
      try {
        orm = await openAdminDatabase(loadConfig());
        const change = await setAdmin(orm.em.fork(), email, verb === 'grant', new Date());
        print(options.json, change, change.changed
          ? `${change.email}: ${change.before} -> ${change.after}`
          : `${change.email}: already ${change.after}, nothing changed`);
      } catch (error) {
        report(options.json, error);
        process.exitCode = exitCodeOf(error);
      } finally {
        await orm?.close(true);
      }
    });
}

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // --help: commander has printed it; anything else it has explained on stderr, with the usage.
  if (error.exitCode === 0) process.exit(0);
  if (process.argv.includes('--json')) {
    report(true, new CliUsageError({ message: error.message.replace(/^error: /, '') }));
  }
  process.exit(EXIT_USAGE);
}
// Connections are closed by now; exiting explicitly keeps a stray timer from holding the terminal.
process.exit(process.exitCode ?? 0);
