import v8 from 'node:v8';
import { threadId } from 'node:worker_threads';
const x: number = 1;
export default async function (init: { mode: string }): Promise<string> {
  const s = v8.getHeapStatistics();
  if (init.mode === 'oom') { const a: string[] = []; for (;;) a.push('x'.repeat(1e5) + Math.random()); }
  if (init.mode === 'crash') { setTimeout(() => { throw new Error('boom'); }, 10); await new Promise(() => {}); }
  return `thread ${threadId} heap ${s.used_heap_size} limit ${s.heap_size_limit} ${x}`;
}
