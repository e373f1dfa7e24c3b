/**
 * Three hosts for the supervisors of a test: each supervisor child in a
 * network namespace of its own (test/helpers/netns-lab.ts), all sharing a
 * private redis-server (append-only file, fsync every second, no eviction:
 * what the README asks of production, and the children refuse to start on
 * less) and a private PostgreSQL cluster, both started here and listening
 * on the lab's bridge, which is also where the Discord fake listens. Owns
 * the servers, so a test can restart, stall or stop them, and the hosts'
 * links, so it can cut one off from everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from '../../../src/infra/process-tools.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/infra/embedded-postgres.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../../src/infra/embedded-redis.ts';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import { NetnsLab } from '../../helpers/netns-lab.ts';
import { shutdownRedis } from '../../helpers/redis-shutdown.ts';
import { freePort } from '../infra/free-port.ts';
import { logger } from '../supervisor/fixture.ts';
import { OwnershipWorld, type Host } from '../forwarding/ownership-fixture.ts';

export { NetnsRefused } from '../../helpers/netns-lab.ts';

/** The children's lease TTL (forwarding/fixtures/supervisor-child.ts). */
export const LEASE_TTL_MS = 3_000;

export class ThreeHosts {
  readonly lab: NetnsLab;
  readonly w: OwnershipWorld;
  /** The supervisor ids of hosts 0, 1 and 2. */
  readonly ids: readonly string[];
  /** The supervisor running on each host, null while none does. */
  readonly hosts: Array<Host | null> = [null, null, null];
  redis: EmbeddedRedis | null;
  postgres: EmbeddedPostgres | null;
  readonly #startRedis: () => Promise<EmbeddedRedis>;
  readonly #startPostgres: () => Promise<EmbeddedPostgres>;
  readonly #redisPort: number;
  readonly #dirs: string[];

  private constructor(lab: NetnsLab, w: OwnershipWorld, servers: {
    redis: EmbeddedRedis; postgres: EmbeddedPostgres; startRedis: () => Promise<EmbeddedRedis>; startPostgres: () => Promise<EmbeddedPostgres>;
    redisPort: number; dirs: string[];
  }) {
    this.lab = lab;
    this.w = w;
    this.redis = servers.redis;
    this.postgres = servers.postgres;
    this.#startRedis = servers.startRedis;
    this.#startPostgres = servers.startPostgres;
    this.#redisPort = servers.redisPort;
    this.#dirs = servers.dirs;
    this.ids = ThreeHosts.#pickIds(w);
  }

  /** The lab, the servers and the world (users of `tiers`, one bot each); throws NetnsRefused without root. */
  static async create(suite: string, tiers: readonly Tier[]): Promise<ThreeHosts> {
    const lab = NetnsLab.create(3);
    const dirs = [mkdtempSync(join(tmpdir(), 'sb-three-redis-')), mkdtempSync(join(tmpdir(), 'sb-three-pg-'))];
    // Should this process die without closing, the next lab's sweep stops the servers and deletes their files.
    for (const dir of dirs) lab.own({ dir });
    const owned = async <T extends { pid: number }>(server: Promise<T>): Promise<T> => {
      const s = await server;
      lab.own({ pid: s.pid });
      return s;
    };
    const started: Array<{ stop(timeoutMs?: number): Promise<void> }> = [];
    try {
      const executable = await findOnPath('redis-server');
      if (executable === null) throw new Error('redis-server not on PATH');
      const redisPort = await freePort();
      const startRedis = () => owned(startEmbeddedRedis({ executable, root: dirs[0]!, port: redisPort, logger, appendfsync: 'everysec', alsoBind: [lab.bridgeIp] }));
      const redis = await startRedis();
      started.push(redis);
      const pgPort = await freePort();
      const startPostgres = () => owned(startEmbeddedPostgres({
        root: dirs[1]!, port: pgPort, logger, database: 'switchboard', network: { address: lab.bridgeIp, clients: lab.subnet },
      }));
      const postgres = await startPostgres();
      started.push(postgres);
      const databaseUrl = new URL(postgres.url);
      databaseUrl.hostname = lab.bridgeIp;
      // A heartbeat each second and 2.5 s of silence to close: a cut-off host's connections (whose close never
      // arrives) are gone before its accounts can start elsewhere, so "never connected twice" stays a real check.
      const w = await OwnershipWorld.create(suite, tiers, {
        databaseUrl: databaseUrl.href, discord: { host: lab.bridgeIp, heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 2_500 },
      });
      return new ThreeHosts(lab, w, { redis, postgres, startRedis, startPostgres, redisPort, dirs });
    } catch (error) {
      for (const s of started) await s.stop(2_000).catch(() => {});
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      lab.close();
      throw error;
    }
  }

  /** Ids that give each of three hosts at least two users, so each scenario moves something. */
  static #pickIds(w: OwnershipWorld): string[] {
    for (let k = 0; k < 1_000; k++) {
      const ids = ['a', 'b', 'c'].map((x) => `tri-${x}${k}`);
      if (ids.every((id) => w.share(id, ids).length >= 2)) return ids;
    }
    throw new Error('no three ids share the users');
  }

  get redisUrl(): string {
    return `redis://${this.lab.bridgeIp}:${this.#redisPort}`;
  }

  /** The ids of the hosts with a supervisor, besides `without`. */
  live(without?: number): string[] {
    return this.ids.filter((_, i) => this.hosts[i] !== null && i !== without);
  }

  /** Host `i`'s share among `members` (default: the live hosts). */
  share(i: number, members: readonly string[] = this.live()): string[] {
    return this.w.share(this.ids[i]!, members);
  }

  /** A supervisor on host `i`, resolved once it runs its share among the live hosts and itself. */
  async start(i: number): Promise<Host> {
    const members = [...this.live(), this.ids[i]!];
    const host = await this.w.start(this.ids[i]!, this.w.share(this.ids[i]!, members).length, this.redisUrl, {
      prefix: this.lab.exec(i), env: { REDIS_PERSISTENCE_CHECK: 'strict' },
    });
    this.hosts[i] = host;
    return host;
  }

  async stop(i: number, signal: NodeJS.Signals): Promise<void> {
    await this.hosts[i]?.stop(signal);
    this.hosts[i] = null;
  }

  /** Whether every live host runs exactly its share. */
  async settled(): Promise<boolean> {
    for (const [i, h] of this.hosts.entries()) {
      if (h !== null && (await h.running()).join() !== this.share(i).join()) return false;
    }
    return true;
  }

  /** Redis stopped as an operator would (SHUTDOWN writes the AOF out), down for `gapMs`, started again on its files. */
  async restartRedis(gapMs: number): Promise<void> {
    await shutdownRedis(this.redis!);
    this.redis = null;
    await new Promise((r) => setTimeout(r, gapMs));
    this.redis = await this.#startRedis();
  }

  /** Redis frozen (SIGSTOP) for `ms`: connections open, nothing answered. */
  async stallRedis(ms: number): Promise<void> {
    process.kill(this.redis!.pid, 'SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      process.kill(this.redis!.pid, 'SIGCONT');
    }
  }

  /** PostgreSQL stopped fast (every connection cut), down for `gapMs`, started again on its files. */
  async restartPostgres(gapMs: number): Promise<void> {
    await this.postgres!.stop(10_000);
    this.postgres = null;
    await new Promise((r) => setTimeout(r, gapMs));
    this.postgres = await this.#startPostgres();
  }

  async close(): Promise<void> {
    await this.w.close().catch(() => {});
    await this.redis?.stop(2_000).catch(() => {});
    await this.postgres?.stop(5_000).catch(() => {});
    for (const d of this.#dirs) rmSync(d, { recursive: true, force: true });
    this.lab.close();
  }
}
