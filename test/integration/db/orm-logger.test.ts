import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { User } from '../../../src/db/entities/index.ts';
import { migrateUp } from '../../../src/db/migrator.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { TEST_DATABASE_URL } from '../../helpers/namespace.ts';
import { suiteSchema } from './fixture.ts';

function memoryLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

describe('db logging through pino', function () {
  it('sends migrator progress at info and queries at debug when debug is on', async () => {
    const { logger, lines } = memoryLogger();
    const orm = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: suiteSchema('dblog'), logger, debug: true });
    try {
      await migrateUp(orm);
      await orm.em.fork().count(User, {});
      const em = orm.em.fork();
      em.create(User, { email: 'log@example.com', passwordHash: 'SECRET-HASH-XYZ' });
      await em.flush();
    } finally {
      await orm.close();
    }
    assert.ok(lines.some((l) => l.level === 30 && l.namespace === 'migrator' && /Applied/.test(String(l.msg))));
    assert.ok(lines.some((l) => l.level === 20 && l.namespace === 'query' && /from "sbt_.*_dblog"\."users"/.test(String(l.sql))));
    assert.ok(lines.some((l) => /insert into .*"users"/.test(String(l.sql))), 'the insert was logged');
    assert.ok(!JSON.stringify(lines).includes('SECRET-HASH-XYZ'), 'bound values stay out of the log');
  });

  it('stays quiet about queries when debug is off', async () => {
    const { logger, lines } = memoryLogger();
    const orm = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: suiteSchema('dblog'), logger });
    try {
      await orm.em.fork().count(User, {});
    } finally {
      await orm.close();
    }
    assert.equal(lines.filter((l) => l.namespace === 'query').length, 0);
  });
});
