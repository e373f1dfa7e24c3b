/**
 * CPU a process used between two readings, as a percentage of one core (200
 * means two cores busy), from `process.cpuUsage()` (user + system, every
 * thread of the process) over wall-clock time.
 */
export class CpuMeter {
  #lastCpu = process.cpuUsage();
  #lastAt = process.hrtime.bigint();

  /** Percent of one core since the previous call (or since construction); 0 when no time passed. */
  sample(): number {
    const cpu = process.cpuUsage(this.#lastCpu);
    const now = process.hrtime.bigint();
    const wallUs = Number(now - this.#lastAt) / 1_000;
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = now;
    return wallUs <= 0 ? 0 : Math.round(((cpu.user + cpu.system) / wallUs) * 1_000) / 10;
  }
}
