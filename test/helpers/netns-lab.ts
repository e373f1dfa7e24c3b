/**
 * Hosts of their own for processes of a test: one network namespace each,
 * wired by a veth pair into a bridge in the test's namespace, whose address
 * is where the servers they share listen. Cutting a host's link makes its
 * packets vanish both ways (a FIFO of length 0 on both ends of its veth:
 * netem is not in every kernel, iptables not on every machine), as a lost
 * route would, not refused as a closed port would be: its peers see
 * silence, not resets, and its connections hang until the heal.
 *
 * Needs root (`ip netns add`). Each lab claims a /24 under 10.213.0.0/16
 * by making a folder under /run/sb-test-netns named by its third octet
 * (mkdir is atomic, so parallel runs and mocha workers never share one),
 * and every name it makes carries that number. A lab whose owner died
 * without closing it (a crashed or killed run) is swept by the next lab or
 * by the run's global teardown: its processes killed, its namespaces and
 * bridge deleted, its claim removed.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CLAIMS = '/run/sb-test-netns';
const NET = '10.213';

export interface LabHost {
  /** The namespace's name, for `ip netns exec`. */
  readonly ns: string;
  /** Its address on the bridge. */
  readonly ip: string;
  /** The host-side end of its veth pair (its namespace's end is eth0). */
  readonly veth: string;
}

/** Not root, or `ip` refused the bridge or the first namespace: no network namespaces here. */
export class NetnsRefused extends Error {}

function run(command: 'ip' | 'tc', args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ip(...args: string[]): string {
  return run('ip', args);
}

function tc(...args: string[]): string {
  return run('tc', args);
}

function tryIp(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // Already gone.
  }
}

/** Process start time (clock ticks since boot), to tell an owner from a later process with its pid. */
function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function ownerAlive(claim: string): boolean {
  try {
    const { pid, started } = JSON.parse(readFileSync(join(claim, 'owner.json'), 'utf8')) as { pid: number; started: string };
    return startTicks(pid) === started;
  } catch {
    // A claim without its owner file is being made right now, or was cut short: judged by its age.
    try {
      return Date.now() - statSync(claim).mtimeMs < 60_000;
    } catch {
      return false;
    }
  }
}

/** Kills the processes and deletes the folders a lab was given (`NetnsLab.own`), those still there. */
function sweepOwned(claim: string): void {
  let lines: string[];
  try {
    lines = readFileSync(join(claim, 'owned.jsonl'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  for (const line of lines) {
    const { pid, started, dir } = JSON.parse(line) as { pid?: number; started?: string; dir?: string };
    if (pid !== undefined && startTicks(pid) === started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** Kills what runs in lab `n`'s namespaces and deletes them, its bridge and its claim. */
function sweep(n: number): void {
  const prefix = `sbt${n}`;
  sweepOwned(join(CLAIMS, String(n)));
  const namespaces = ip('netns', 'list').split('\n').map((l) => l.split(' ')[0] ?? '').filter((name) => name.startsWith(`${prefix}h`));
  for (const ns of namespaces) {
    for (const pid of ip('netns', 'pids', ns).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    tryIp('netns', 'del', ns);
  }
  // Deleting a namespace deletes the veth pairs with an end in it; the bridge stays.
  for (const line of ip('-o', 'link', 'show').split('\n')) {
    const name = line.split(': ')[1]?.split('@')[0];
    if (name !== undefined && (name === `${prefix}br` || name.startsWith(`${prefix}v`))) tryIp('link', 'del', name);
  }
  rmSync(join(CLAIMS, String(n)), { recursive: true, force: true });
}

/** Sweeps every lab whose owner is gone; nothing to do (and no error) where there are none or no root. */
export function sweepDeadLabs(): void {
  let claims: string[];
  try {
    claims = readdirSync(CLAIMS);
  } catch {
    return;
  }
  for (const name of claims) {
    if (!ownerAlive(join(CLAIMS, name))) {
      try {
        sweep(Number(name));
      } catch {
        // Not root after all, or `ip` missing: nothing of ours can be there.
      }
    }
  }
}

export class NetnsLab {
  /** The bridge's address: where shared servers listen for the hosts. */
  readonly bridgeIp: string;
  /** The lab's /24, for a server's allow-list. */
  readonly subnet: string;
  readonly hosts: readonly LabHost[];
  readonly #n: number;

  private constructor(n: number, hosts: LabHost[]) {
    this.#n = n;
    this.bridgeIp = `${NET}.${n}.1`;
    this.subnet = `${NET}.${n}.0/24`;
    this.hosts = hosts;
  }

  /** A bridge and `count` namespaces on it; throws NetnsRefused without root. */
  static create(count: number): NetnsLab {
    if (process.getuid?.() !== 0) throw new NetnsRefused('network namespaces need root (ip netns add)');
    sweepDeadLabs();
    const n = NetnsLab.#claim();
    try {
      const bridge = `sbt${n}br`;
      try {
        ip('link', 'add', bridge, 'type', 'bridge');
      } catch (error) {
        // Root without CAP_NET_ADMIN (some containers) gets here.
        throw new NetnsRefused(`ip link add refused: ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`);
      }
      ip('addr', 'add', `${NET}.${n}.1/24`, 'dev', bridge);
      ip('link', 'set', bridge, 'up');
      const hosts: LabHost[] = [];
      for (let i = 0; i < count; i++) {
        const host = { ns: `sbt${n}h${i}`, ip: `${NET}.${n}.${10 + i}`, veth: `sbt${n}v${i}` };
        try {
          ip('netns', 'add', host.ns);
        } catch (error) {
          throw i === 0 ? new NetnsRefused(`ip netns add refused (root needed): ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`) : error;
        }
        ip('link', 'add', host.veth, 'type', 'veth', 'peer', 'name', `sbt${n}p${i}`);
        ip('link', 'set', `sbt${n}p${i}`, 'netns', host.ns);
        ip('link', 'set', host.veth, 'master', bridge);
        ip('link', 'set', host.veth, 'up');
        ip('-n', host.ns, 'link', 'set', `sbt${n}p${i}`, 'name', 'eth0');
        ip('-n', host.ns, 'addr', 'add', `${host.ip}/24`, 'dev', 'eth0');
        ip('-n', host.ns, 'link', 'set', 'eth0', 'up');
        ip('-n', host.ns, 'link', 'set', 'lo', 'up');
        hosts.push(host);
      }
      return new NetnsLab(n, hosts);
    } catch (error) {
      sweep(n);
      throw error;
    }
  }

  /** A free /24: not claimed by another lab, and no address of this machine in it. */
  static #claim(): number {
    mkdirSync(CLAIMS, { recursive: true });
    const used = ip('-o', '-4', 'addr', 'show');
    const first = Math.floor(Math.random() * 250);
    for (let k = 0; k < 250; k++) {
      const n = 1 + ((first + k) % 250);
      if (used.includes(` ${NET}.${n}.`)) continue;
      const claim = join(CLAIMS, String(n));
      try {
        mkdirSync(claim);
      } catch {
        continue;
      }
      writeFileSync(join(claim, 'owner.json'), JSON.stringify({ pid: process.pid, started: startTicks(process.pid) }));
      return n;
    }
    throw new Error(`no free /24 left under ${NET}.0.0/16`);
  }

  /**
   * A server process or a folder of the test's that a sweep of this lab
   * also kills or deletes, should the test die without closing it.
   */
  own(thing: { pid: number } | { dir: string }): void {
    const line = 'pid' in thing ? { pid: thing.pid, started: startTicks(thing.pid) } : thing;
    appendFileSync(join(CLAIMS, String(this.#n), 'owned.jsonl'), `${JSON.stringify(line)}\n`);
  }

  /** The command prefix that runs a program in host `i`'s namespace. */
  exec(i: number): string[] {
    return ['ip', 'netns', 'exec', this.hosts[i]!.ns];
  }

  /** Host `i`'s packets vanish, both ways, until `heal`. */
  cut(i: number): void {
    const h = this.hosts[i]!;
    tc('-n', h.ns, 'qdisc', 'add', 'dev', 'eth0', 'root', 'pfifo', 'limit', '0');
    tc('qdisc', 'add', 'dev', h.veth, 'root', 'pfifo', 'limit', '0');
  }

  /** Host `i`'s link as before the cut; nothing to do when it is not cut. */
  heal(i: number): void {
    const h = this.hosts[i]!;
    for (const args of [['-n', h.ns, 'qdisc', 'del', 'dev', 'eth0', 'root'], ['qdisc', 'del', 'dev', h.veth, 'root']]) {
      try {
        tc(...args);
      } catch {
        // Not cut (a veth has no root qdisc of its own).
      }
    }
  }

  /** Everything of the lab gone, processes in its namespaces killed. */
  close(): void {
    sweep(this.#n);
  }
}
