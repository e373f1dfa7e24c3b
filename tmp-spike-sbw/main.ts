import { Piscina } from 'piscina';
const pool = new Piscina({ filename: new URL('./host.ts', import.meta.url).href, minThreads: 2, maxThreads: 2, idleTimeout: Infinity, resourceLimits: { maxOldGenerationSizeMb: 64 } });
console.log(await pool.run({ mode: 'ok' }));
const t0 = Date.now();
try { await pool.run({ mode: 'oom' }); } catch (e) { console.log('oom rejected', (e as any).code, (e as Error).message, Date.now() - t0); }
try { await pool.run({ mode: 'crash' }); } catch (e) { console.log('crash rejected', (e as any).code, (e as Error).message); }
console.log(await pool.run({ mode: 'ok' }), pool.threads.length);
await pool.destroy();
