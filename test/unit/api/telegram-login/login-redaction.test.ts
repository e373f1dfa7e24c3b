import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { baseOptions } from '../../../../src/logging/logger.ts';

describe('telegram login secrets in logs', () => {
  it('redacts the password wherever a request body is logged, and the code and session under their log names', () => {
    const lines: string[] = [];
    const logger = pino(baseOptions('info'), new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } }));
    logger.info({ password: 'hunter2-top', body: { password: 'hunter2-body' }, req: { body: { password: 'hunter2-req' } } }, 'step');
    logger.info({ phoneCode: '12345', sessionString: '1AQAB-session' }, 'step');
    const text = lines.join('');
    for (const secret of ['hunter2', '12345', '1AQAB']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.equal(text.split('[redacted]').length - 1, 5);
  });
});
