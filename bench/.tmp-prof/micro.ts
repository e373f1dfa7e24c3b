import { startApiHarness } from '../../test/helpers/api-harness.ts';
import { ForwardingPair, User } from '../../src/db/entities/index.ts';
import { planOf } from '../../src/api/auth/user-plan.ts';
import pg from 'pg';
import { TEST_SCHEMA, TEST_DATABASE_URL } from '../../test/helpers/namespace.ts';
const h = await startApiHarness();
const u = await h.registerUser({ plan: 'elite' });
async function time(name: string, fn: () => Promise<unknown>, n = 500) {
  for (let i = 0; i < 50; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) / n).toFixed(3), 'ms');
}
await time('findOne User', () => h.ctx.orm.em.fork().findOne(User, { id: u.userId }));
await time('planOf', () => planOf(h.ctx.orm.em.fork(), u.userId, new Date()));
await time('raw select', () => h.ctx.orm.em.getConnection().execute(`select 1`));
await time('redis ping', () => h.ctx.redis.ping());
await time('fork only', async () => h.ctx.orm.em.fork());
await time('count pairs', () => h.ctx.orm.em.fork().count(ForwardingPair, { user: u.userId }));
await time('raw findOne', () => h.ctx.orm.em.getConnection().execute(`select * from "${TEST_SCHEMA}_api"."users" where id = ?`, [u.userId]));
await time('qb execute', () => h.ctx.orm.em.fork().createQueryBuilder(User).where({ id: u.userId }).execute('get'));
await time('verify', async () => h.ctx.accessTokens.verify(u.accessToken));
await h.close();
const c = new pg.Client({ connectionString: TEST_DATABASE_URL }); await c.connect(); await c.query(`drop schema if exists "${TEST_SCHEMA}_api" cascade`); await c.end();
process.exit(0);
