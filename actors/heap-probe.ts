/**
 * Memory figures of the current isolate (one per thread). Full collections are
 * for one-off baselines at thread start only: on a thread running hundreds of
 * actors a forced mark-compact pauses all of them, so `isolateBytes` never
 * collects, and its figure includes garbage not yet collected.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

/** A full, synchronous garbage collection of this isolate. */
export function collectGarbage(): void {
  if (gc === null) {
    // `gc` is only handed to contexts created after the flag is set, hence the
    // throwaway context; the flag changes nothing else in running isolates.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** This isolate's used V8 heap and the external memory its objects own (Buffers...), bytes. */
export function isolateBytes(): { heapUsedBytes: number; externalBytes: number } {
  const s = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  return { heapUsedBytes: s.used_heap_size, externalBytes: s.external_memory ?? 0 };
}

/** Used heap after a full collection, bytes. */
export function settledHeapBytes(): number {
  collectGarbage();
  collectGarbage();
  return getHeapStatistics().used_heap_size;
}

/**
 * Heap cost of one object made by `make`, in whole bytes: the settled heap
 * with `count` of them alive, minus the settled heap before, divided by
 * `count`. Never below 0 (a collection freeing unrelated garbage in between
 * cannot make an object cost less than nothing).
 */
export function measurePerObject(make: (index: number) => unknown, count: number): number {
  const kept: unknown[] = new Array<unknown>(count);
  const before = settledHeapBytes();
  for (let i = 0; i < count; i += 1) kept[i] = make(i);
  const after = settledHeapBytes();
  const perObject = Math.max(0, Math.round((after - before) / count));
  kept.length = 0;
  return perObject;
}
