/**
 * The embedded PostgreSQL as root from a private folder: PostgreSQL refuses
 * to run as root, and the `postgres` account it runs as cannot enter a 0700
 * checkout or DATA_DIR, so binaries and cluster move somewhere it can reach.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../../src/infra/embedded-postgres.ts';
import { freePort } from './free-port.ts';

describe('embedded PostgreSQL', function () {
  this.timeout(60_000);

  it('as root with DATA_DIR inside a private folder: runs the cluster where postgres can reach it, and says where', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const privateDir = mkdtempSync(join(tmpdir(), 'sb-private-'));
    const root = join(privateDir, 'data', 'postgres');
    const server = await startEmbeddedPostgres({ root, port: await freePort(), logger: pino({ level: 'silent' }) });
    try {
      const location = readFileSync(join(root, 'CLUSTER-LOCATION'), 'utf8').trim();
      assert.match(location, /^\/var\/lib\/switchboard\/postgres-[0-9a-f]{12}$/);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ data_directory: string }>('show data_directory');
      await client.end();
      assert.equal(rows[0]?.data_directory, join(location, 'data'));
    } finally {
      await server.stop();
      const location = readFileSync(join(root, 'CLUSTER-LOCATION'), 'utf8').trim();
      rmSync(location, { recursive: true, force: true });
      rmSync(privateDir, { recursive: true, force: true });
    }
  });
});
