import autocannon from 'autocannon';
import pg from 'pg';
import { startApiHarness } from '../../test/helpers/api-harness.ts';
import { TEST_SCHEMA, TEST_DATABASE_URL } from '../../test/helpers/namespace.ts';
const h = await startApiHarness();
const u = await h.registerUser({ plan: 'elite' });
async function go(path: string) {
  const r = await autocannon({ url: h.baseUrl + path, connections: 10, duration: 3, headers: { authorization: `Bearer ${u.accessToken}` } });
  console.log(path, Math.round(r.requests.average), 'rps p99', r.latency.p99, 'non2xx', r.non2xx);
}
await go('/v1/plans');
await go('/v1/plans');
await go('/v1/auth/whoami');
await go('/v1/me');
await go('/v1/pairs');
await h.close();
const c = new pg.Client({ connectionString: TEST_DATABASE_URL }); await c.connect(); await c.query(`drop schema if exists "${TEST_SCHEMA}_api" cascade`); await c.end();
process.exit(0);
