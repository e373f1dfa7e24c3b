import assert from 'node:assert/strict';
import { SentParts } from '../../../supervisor/sent-parts.ts';

describe('SentParts', () => {
  it('keeps the latest parts per task until forgotten', () => {
    const parts = new SentParts();
    void parts.record('t1', ['a']);
    void parts.record('t1', ['a', 'b']);
    assert.deepEqual(parts.of('t1'), ['a', 'b']);
    parts.forget('t1');
    assert.equal(parts.of('t1'), undefined);
  });

  it('drops the oldest task past its bound', () => {
    const parts = new SentParts(null, { max: 2 });
    void parts.record('t1', ['a']);
    void parts.record('t2', ['b']);
    void parts.record('t1', ['a', 'c']);
    void parts.record('t3', ['d']);
    assert.equal(parts.of('t2'), undefined, 't1 was recorded again, so t2 is the oldest');
    assert.deepEqual(parts.of('t1'), ['a', 'c']);
    assert.deepEqual(parts.of('t3'), ['d']);
  });
});
