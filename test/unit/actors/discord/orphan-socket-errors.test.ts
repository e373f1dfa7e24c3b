import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { WebSocket } from 'ws';
import { dropOrphanSocketErrors } from '../../../../actors/platform/discord/orphan-socket-errors.ts';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('orphan gateway socket errors', () => {
  before(() => dropOrphanSocketErrors());

  it('drops a failed connect nobody listens for (a destroyed shard\'s socket) instead of throwing it', async () => {
    const port = await closedPort();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    const mochaHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`);
      socket.onerror = null;
      await new Promise((resolve) => socket.once('close', resolve));
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const h of mochaHandlers) process.on('uncaughtException', h);
    }
    assert.deepEqual(uncaught, []);
  });

  it('still delivers the error to a socket that listens', async () => {
    const port = await closedPort();
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    assert.match(String((error as { code?: string }).code), /ECONNREFUSED/);
  });
});
