import assert from 'node:assert/strict';
import { KeyedSerial } from '../../../supervisor/keyed-serial.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('keyed serial', () => {
  it('runs one operation at a time per key, in call order, and keys independently', async () => {
    const serial = new KeyedSerial();
    const log: string[] = [];
    const op = (key: string, name: string, ms: number) => serial.run(key, async () => {
      log.push(`${name}+`);
      await tick(ms);
      log.push(`${name}-`);
    });
    await Promise.all([op('a', 'a1', 20), op('a', 'a2', 1), op('b', 'b1', 5)]);
    assert.deepEqual(log.filter((l) => l.startsWith('a')), ['a1+', 'a1-', 'a2+', 'a2-']);
    assert.ok(log.indexOf('b1-') < log.indexOf('a1-'), 'b did not wait for a');
  });

  it('a failed operation does not block the next one', async () => {
    const serial = new KeyedSerial();
    await assert.rejects(serial.run('k', async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await serial.run('k', async () => 7), 7);
  });

  it('busy() is true only while an operation of that key runs', async () => {
    const serial = new KeyedSerial();
    let seen = false;
    await serial.run('k', async () => {
      seen = serial.busy('k') && !serial.busy('other');
    });
    assert.equal(seen, true);
    assert.equal(serial.busy('k'), false);
  });
});
