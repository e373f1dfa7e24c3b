/**
 * Several supervisors in child processes sharing one world (PostgreSQL
 * schema, Redis prefix, Discord fake), and users each with one bot that
 * reads one channel and writes another: a pair whose two ends are one
 * account runs wherever that account's owner is, so handovers can be
 * watched without cross-supervisor routing. Counts what arrived per pair
 * (lost, duplicated, out of order) and the most gateway connections any bot
 * had at once (a session running twice would show as two).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assignOwners, type Member } from '../../../src/cluster/ownership/rendezvous.ts';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import { testEnv, TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { ForwardingWorld, waitFor, type WorldOptions } from './forwarding-fixture.ts';
import { NumberedTraffic, type Disorder, type Marks, type Verdict } from './numbered-traffic.ts';
import { childStatus, type ChildStatus } from './streaming-fixture.ts';

export { waitFor };

const CHILD = fileURLToPath(new URL('./fixtures/supervisor-child.ts', import.meta.url));
/** Every child's weight: equal shares. */
export const CAPACITY = 2;

export interface Account { userId: string; tier: Tier; accountId: string; botId: string; src: string; dst: string }

/** How a child is started besides its supervisor id: a command that runs it elsewhere (`ip netns exec NS`), more environment. */
export interface Launch { prefix?: string[]; env?: Record<string, string> }

export class Host {
  readonly id: string;
  readonly proc: ChildProcess;
  exited = false;

  constructor(id: string, proc: ChildProcess) {
    this.id = id;
    this.proc = proc;
    proc.once('exit', () => { this.exited = true; });
  }

  status(): Promise<ChildStatus> {
    return childStatus(this.proc);
  }

  async running(): Promise<string[]> {
    return (await this.status()).runningIds.sort();
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill(signal);
    await exited;
  }
}

export class OwnershipWorld {
  readonly world: ForwardingWorld;
  readonly accounts: Account[];
  readonly hosts: Host[] = [];
  /** The most gateway connections each bot had at once, sampled every 10 ms. */
  readonly maxConnections = new Map<string, number>();
  #traffic: NumberedTraffic;
  readonly #sampler: NodeJS.Timeout;

  private constructor(world: ForwardingWorld, accounts: Account[]) {
    this.world = world;
    this.accounts = accounts;
    this.#traffic = new NumberedTraffic(world.fake, accounts, 'own');
    this.#sampler = setInterval(() => {
      for (const a of accounts) this.maxConnections.set(a.botId, Math.max(this.maxConnections.get(a.botId) ?? 0, world.fake.connectedCount(a.botId)));
    }, 10);
  }

  /** One user per tier in `tiers`, each with one bot reading `src` into `dst`. */
  static async create(suite: string, tiers: readonly Tier[], options: WorldOptions = {}): Promise<OwnershipWorld> {
    // Several streams at once, faster than Discord's 5 posts per 5 s per channel: the fake's rate limits are off.
    const world = await ForwardingWorld.create(suite, { ...options, discord: { rateLimits: false, ...options.discord } });
    const accounts: Account[] = [];
    for (const [i, tier] of tiers.entries()) {
      const userId = await world.user(tier);
      const bot = await world.bot(userId, `bot${i}`);
      const src = world.channel(`src${i}`);
      const dst = world.channel(`dst${i}`);
      await world.pair({ userId, source: { accountId: bot.accountId, chatId: src }, destination: { accountId: bot.accountId, chatId: dst } });
      accounts.push({ userId, tier, accountId: bot.accountId, botId: bot.botId, src, dst });
    }
    return new OwnershipWorld(world, accounts);
  }

  /** The accounts `hostId` owns among `hostIds` (equal capacities), sorted. */
  share(hostId: string, hostIds: readonly string[]): string[] {
    const members: Member[] = hostIds.map((id) => ({ id, weight: CAPACITY }));
    const owners = assignOwners(this.accounts.map((a) => a.userId), members);
    return this.accounts.filter((a) => owners.get(a.userId) === hostId).map((a) => a.accountId).sort();
  }

  /**
   * A supervisor id for a second host that owns some of the accounts but
   * not all, with at least one Elite and one other tier among them (the
   * user ids are random, so the id is looked for, deterministically).
   */
  secondHostId(firstId: string): string {
    for (let k = 0; k < 1_000; k++) {
      const id = `own-b${k}`;
      const mine = new Set(this.share(id, [firstId, id]));
      const tiers = this.accounts.filter((a) => mine.has(a.accountId)).map((a) => a.tier);
      if (mine.size < this.accounts.length - 1 && tiers.includes('elite') && tiers.some((t) => t !== 'elite')) return id;
    }
    throw new Error('no second host id splits the accounts');
  }

  /** A supervisor in a child process, resolved once `expect` sessions run on it. */
  async start(id: string, expect: number, redisUrl = TEST_REDIS_URL, launch: Launch = {}): Promise<Host> {
    const [command, ...args] = [...launch.prefix ?? [], process.execPath, '--import', 'tsx', CHILD];
    const proc = spawn(command!, args, {
      env: testEnv({
        DATABASE_URL: this.world.databaseUrl, DATABASE_SCHEMA: this.world.schema, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: this.world.prefix,
        SECRET_KEYS: this.world.secretKeys, DISCORD_API_URL: this.world.fake.apiUrl, EXPECT_SESSIONS: String(expect),
        SUPERVISOR_ID: id, SUPERVISOR_CAPACITY: String(CAPACITY), PLAN_RATES: 'off', ORPHAN_SCAN_MS: '1000', ...launch.env,
      }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const host = new Host(id, proc);
    this.hosts.push(host);
    await new Promise<void>((resolve, reject) => {
      proc.on('message', (m: { type?: string }) => { if (m.type === 'ready') resolve(); });
      proc.once('exit', (code, signal) => reject(new Error(`supervisor ${id} exited early: ${code ?? signal}`)));
    });
    return host;
  }

  /** Posts one numbered message into every source each `everyMs`, until `stopTraffic`. */
  startTraffic(everyMs: number): void {
    this.#traffic.start(everyMs);
  }

  stopTraffic(): void {
    this.#traffic.stop();
  }

  /**
   * Traffic counted afresh from here (its posts start with `tag`, so what
   * came before is not counted), and the most connections per bot too.
   */
  newRound(tag: string): void {
    this.#traffic.stop();
    this.#traffic = new NumberedTraffic(this.world.fake, this.accounts, tag);
    this.maxConnections.clear();
  }

  /** Where each account's traffic is now: the start or end of a window of `verdict`, or what `resumedSince` looks past. */
  marks(): Marks {
    return this.#traffic.marks();
  }

  /** Whether a message posted after `marks` has reached the destination of every account (of those `which` picks). */
  resumedSince(marks: Marks, which: (a: Account) => boolean = () => true): boolean {
    return this.#traffic.resumedSince(marks, this.accounts.filter(which));
  }

  arrived(a: Account): number[] {
    return this.#traffic.arrived(a);
  }

  posted(): number {
    return this.#traffic.posted();
  }

  /** Until every posted message arrived (or `timeoutMs`), then a moment for late repeats. */
  settle(timeoutMs = 30_000): Promise<void> {
    return this.#traffic.settle(timeoutMs);
  }

  /** Over everything posted, or over what was posted between two `marks`. */
  /** See NumberedTraffic.disorders. */
  disorders(): Disorder[] {
    return this.#traffic.disorders();
  }

  verdict(window?: { from: Marks; to: Marks }): Verdict {
    return this.#traffic.verdict(window);
  }

  /** Gateway connections of `accountIds`' bots now, added up. */
  connected(accountIds: readonly string[]): number {
    return this.accounts.filter((a) => accountIds.includes(a.accountId)).reduce((n, a) => n + this.world.fake.connectedCount(a.botId), 0);
  }

  /** Bots seen with more than one gateway connection at once. */
  doubleRuns(): string[] {
    return [...this.maxConnections].filter(([, n]) => n > 1).map(([botId]) => botId);
  }

  async close(): Promise<void> {
    this.stopTraffic();
    clearInterval(this.#sampler);
    for (const h of this.hosts) h.proc.kill('SIGKILL');
    await this.world.close();
  }
}
