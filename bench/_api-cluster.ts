/**
 * The API as pm2's cluster mode runs it, for `bench/api.ts`: a cluster
 * primary forking N workers of the real entry point (src/api/api-main.ts),
 * which share API_PORT. Prints `ready` on stdout once every worker listens;
 * SIGTERM stops the workers (each shuts down in order) and then itself.
 * Usage: node --import tsx bench/_api-cluster.ts N (environment: the API's).
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

const instances = Number(process.argv[2] ?? '2');
const apiMain = fileURLToPath(new URL('../src/api/api-main.ts', import.meta.url));

cluster.setupPrimary({ exec: apiMain, execArgv: ['--import', 'tsx'] });
let listening = 0;
for (let i = 0; i < instances; i += 1) cluster.fork();
cluster.on('listening', () => {
  listening += 1;
  if (listening === instances) process.stdout.write('ready\n');
});
cluster.on('exit', (worker, code, signal) => {
  if (!stopping) {
    process.stderr.write(`api worker ${worker.process.pid} exited (${code ?? signal}) before the bench ended\n`);
    process.exit(1);
  }
  if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
});

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) {
    if (worker?.process.pid !== undefined) process.kill(worker.process.pid, 'SIGTERM');
  }
});
