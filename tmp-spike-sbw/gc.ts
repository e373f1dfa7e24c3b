import { Worker } from 'node:worker_threads';
const w = new Worker(`
const v8 = require('node:v8'); const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc');
const a = []; for (let i=0;i<1e5;i++) a.push({i});
const before = v8.getHeapStatistics().used_heap_size; a.length = 0; gc();
console.log('worker gc ok', typeof gc, before, v8.getHeapStatistics().used_heap_size);
`, { eval: true });
w.on('exit', () => console.log('main has gc?', typeof (globalThis as any).gc));
