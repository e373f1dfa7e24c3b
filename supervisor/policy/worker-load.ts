/**
 * A worker's load as placement sees it, and the two questions placement asks
 * of it: does it have room for this much, and how loaded is it.
 */

export interface WorkerLoad {
  workerId: string;
  /** Most actors the worker may run. */
  sessionLimit: number;
  /** Memory the worker may grow to, in bytes. */
  ramCapBytes: number;
  /** Actors it runs now. */
  sessions: number;
  /** Its measured memory, in bytes. */
  memoryBytes: number;
  /** A draining worker is being emptied and takes no new actors. */
  draining: boolean;
}

/**
 * Room for `sessions` more actors costing `bytes`: under the session limit and
 * within the RAM cap after adding them. Draining workers have no room.
 */
export function hasRoom(w: WorkerLoad, sessions: number, bytes: number): boolean {
  return !w.draining && w.sessions + sessions <= w.sessionLimit && w.memoryBytes + bytes <= w.ramCapBytes;
}

/**
 * Load score: the fuller of the two budgets, `max(sessions / sessionLimit,
 * memoryBytes / ramCapBytes)`, since whichever runs out first is what stops a
 * worker taking more. A zero limit counts as full.
 */
export function loadScore(w: WorkerLoad): number {
  const share = (used: number, limit: number): number => (limit > 0 ? used / limit : Infinity);
  return Math.max(share(w.sessions, w.sessionLimit), share(w.memoryBytes, w.ramCapBytes));
}

/**
 * The least loaded worker with room for `sessions` actors costing `bytes`,
 * skipping `excludeId`; ties go to fewer sessions, then the smaller worker id,
 * so the answer does not depend on the order workers are listed in.
 */
export function leastLoadedWithRoom(
  workers: readonly WorkerLoad[],
  sessions: number,
  bytes: number,
  excludeId?: string,
): WorkerLoad | undefined {
  let best: WorkerLoad | undefined;
  let bestScore = Infinity;
  for (const w of workers) {
    if (w.workerId === excludeId || !hasRoom(w, sessions, bytes)) continue;
    const score = loadScore(w);
    if (best === undefined || score < bestScore
      || (score === bestScore && (w.sessions < best.sessions || (w.sessions === best.sessions && w.workerId < best.workerId)))) {
      best = w;
      bestScore = score;
    }
  }
  return best;
}
