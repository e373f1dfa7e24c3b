/**
 * Worker ids name their supervisor: `<supervisorId>-<boot>-w<n>`, unique in
 * the cluster (the boot part is new with every supervisor process, `n`
 * counts its workers). Session leases are held under the worker id, so the
 * supervisor running an account can be read off its lease. Pure.
 */

/** The id of worker `seq` of supervisor `supervisorId` in its process `bootId` (6 hex digits). */
export function workerIdOf(supervisorId: string, bootId: string, seq: number): string {
  return `${supervisorId}-${bootId}-w${seq}`;
}

const WORKER_ID = /^(.+)-[0-9a-f]{6}-w\d+$/;

/** The supervisor a worker id belongs to; null for anything else (a lease a test or a tool holds). */
export function supervisorOfWorker(workerId: string): string | null {
  return WORKER_ID.exec(workerId)?.[1] ?? null;
}
