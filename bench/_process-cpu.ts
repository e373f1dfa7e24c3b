/**
 * CPU a process tree has used, for the benchmarks (Linux /proc; 0 elsewhere).
 * Not a benchmark itself: bench/run.ts skips files starting with `_`.
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) used so far by `pid` and every process below
 * it, from /proc (Linux; 0 elsewhere). Latency on a shared 2-core machine
 * swings from run to run; the CPU a message costs the runtime does not.
 */
export function treeCpuMs(pid: number): number {
  let stats: Array<{ pid: number; ppid: number; ticks: number }>;
  try {
    stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
      try {
        // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
        const rest = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
        return [{ pid: Number(d), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) }];
      } catch {
        return [];
      }
    });
  } catch {
    return 0;
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of stats) {
      if (tree.has(s.pid) || !tree.has(s.ppid)) continue;
      tree.add(s.pid);
      grew = true;
    }
  }
  // Clock ticks are 1/100 s on Linux.
  return stats.filter((s) => tree.has(s.pid)).reduce((ms, s) => ms + s.ticks * 10, 0);
}

