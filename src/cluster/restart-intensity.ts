/**
 * OTP's restart intensity: a supervisor may restart its children at most
 * `maxRestarts` times within `periodMs`; one more means the fault is not
 * transient, and the supervisor gives up so that its own supervisor (a worker
 * for threads, the supervisor for workers, pm2 for the supervisor) can act.
 * Pure: the clock is an argument.
 */
export class RestartIntensity {
  readonly maxRestarts: number;
  readonly periodMs: number;
  private readonly restarts: number[] = [];

  constructor(maxRestarts: number, periodMs: number) {
    this.maxRestarts = maxRestarts;
    this.periodMs = periodMs;
  }

  /** Records a restart at `now`; false when it exceeds the intensity and the caller must escalate. */
  allow(now: number): boolean {
    while (this.restarts.length > 0 && now - (this.restarts[0] as number) >= this.periodMs) this.restarts.shift();
    this.restarts.push(now);
    return this.restarts.length <= this.maxRestarts;
  }

  /** Restarts counted within the current period. */
  get recent(): number {
    return this.restarts.length;
  }
}
