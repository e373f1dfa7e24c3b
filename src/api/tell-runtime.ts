/**
 * Tells the runtime about committed changes without letting a Redis hiccup
 * fail a request whose write already succeeded: the runtime reconciles from
 * PostgreSQL on its own schedule, so a lost announcement only delays it.
 */
import type { ApiContext, RuntimeChange } from './api-context.ts';

export async function tellRuntime(ctx: ApiContext, changes: readonly RuntimeChange[]): Promise<void> {
  const results = await Promise.allSettled(changes.map((change) => ctx.runtime.notify(change)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ change: changes[i], err: r.reason as unknown }] : []));
  if (failed.length > 0) {
    ctx.logger.warn({ failed: failed.length, first: failed[0] }, 'runtime not told of a change; its reconcile will catch up');
  }
}
