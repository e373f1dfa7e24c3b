/**
 * Traffic that keeps flowing while a test breaks something: several reader
 * bots, each with its own source channel paired to its own destination
 * through one writer bot, a supervisor in a child process, human posts at a
 * steady pace into every source, and the verdict on what arrived (lost,
 * duplicated, out of order), counted per pair from the numbers in the text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEnv } from '../../helpers/namespace.ts';
import { ForwardingWorld, waitFor, type WorldOptions } from './forwarding-fixture.ts';
import { NumberedTraffic, type Verdict } from './numbered-traffic.ts';

export { waitFor };
export type { Verdict };

const CHILD = fileURLToPath(new URL('./fixtures/supervisor-child.ts', import.meta.url));

export interface StreamPair { readerAccountId: string; src: string; dst: string }

export interface ChildStatus {
  running: number;
  /** The sessions running, by actor id. */
  runningIds: string[];
  /** When each session last started running, ms since the epoch. */
  startedAt: Record<string, number>;
  /** How long the child has seen Redis stalled, ms; null while it answers. */
  redisStalledMs: number | null;
  /** How long the child has seen PostgreSQL unreachable, ms; null while it answers. */
  databaseUnreachableMs: number | null;
  /** Tasks the child dead-lettered since it started. */
  deadLettered: number;
  workers: Array<{ pid: number | null; threadRestarts: number; actorIds: string[] }>;
}

export class StreamWorld {
  readonly world: ForwardingWorld;
  readonly pairs: StreamPair[];
  readonly writerAccountId: string;
  /** The writer's bot user id in the fake (to rate-limit its sends). */
  readonly writerBotId: string;
  child: ChildProcess | null = null;
  readonly #traffic: NumberedTraffic;

  private constructor(world: ForwardingWorld, pairs: StreamPair[], writer: { accountId: string; botId: string }) {
    this.world = world;
    this.pairs = pairs;
    this.writerAccountId = writer.accountId;
    this.writerBotId = writer.botId;
    this.#traffic = new NumberedTraffic(world.fake, pairs, 'stream');
  }

  /** `readers` bots of one Elite user, each reading its own channel into its own destination through one writer bot. */
  static async create(suite: string, readers: number, options: WorldOptions = {}): Promise<StreamWorld> {
    // The streams run faster into each channel than Discord's 5 posts per 5 s: the fake's rate limits are off.
    const world = await ForwardingWorld.create(suite, { ...options, discord: { rateLimits: false, ...options.discord } });
    const owner = await world.user('elite');
    const writer = await world.bot(owner, 'writer');
    const pairs: StreamPair[] = [];
    for (let i = 0; i < readers; i++) {
      const reader = await world.bot(owner, `reader${i}`);
      const src = world.channel(`src${i}`);
      const dst = world.channel(`dst${i}`);
      await world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: src }, destination: { accountId: writer.accountId, chatId: dst } });
      pairs.push({ readerAccountId: reader.accountId, src, dst });
    }
    return new StreamWorld(world, pairs, writer);
  }

  /** Every linked account of the world: the readers and the writer. */
  get sessions(): number {
    return this.pairs.length + 1;
  }

  /** A supervisor in a child process on `redisUrl`, resolved once every session runs. */
  startChild(redisUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: testEnv({
        DATABASE_URL: this.world.databaseUrl, DATABASE_SCHEMA: this.world.schema, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: this.world.prefix,
        SECRET_KEYS: this.world.secretKeys, DISCORD_API_URL: this.world.fake.apiUrl, EXPECT_SESSIONS: String(this.sessions),
        PLAN_RATES: 'off', ORPHAN_SCAN_MS: '1000', ...env,
      }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = proc;
    return new Promise((resolve, reject) => {
      proc.on('message', (m: { type?: string }) => { if (m.type === 'ready') resolve(proc); });
      proc.once('exit', (code, signal) => reject(new Error(`supervisor child exited early: ${code ?? signal}`)));
    });
  }

  /** Stops the child with `signal` and waits until it has exited. */
  async stopChild(signal: NodeJS.Signals): Promise<void> {
    const child = this.child!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.child = null;
  }

  /** The child's workers and the sessions placed on each. */
  status(): Promise<ChildStatus> {
    return childStatus(this.child!);
  }

  /** Posts one numbered message into every source channel each `everyMs`, until `stopTraffic`. */
  startTraffic(everyMs: number): void {
    this.#traffic.start(everyMs);
  }

  stopTraffic(): void {
    this.#traffic.stop();
  }

  /** The numbers that reached `pair`'s destination, in the order they are there. */
  arrived(pair: StreamPair): number[] {
    return this.#traffic.arrived(pair);
  }

  /** Messages delivered so far, over every pair. */
  delivered(): number {
    return this.#traffic.delivered();
  }

  /** Until every posted message has arrived somewhere (or `timeoutMs`), then a moment for late repeats. */
  settle(timeoutMs = 60_000): Promise<void> {
    return this.#traffic.settle(timeoutMs);
  }

  posted(): number {
    return this.#traffic.posted();
  }

  verdict(): Verdict {
    return this.#traffic.verdict();
  }

  async close(): Promise<void> {
    this.stopTraffic();
    this.child?.kill('SIGKILL');
    this.child = null;
    await this.world.close();
  }
}

/** What a supervisor child reports when asked (fixtures/supervisor-child.ts). */
export function childStatus(child: ChildProcess): Promise<ChildStatus> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string } & ChildStatus): void => {
      if (m.type !== 'status') return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send({ type: 'status' });
  });
}
