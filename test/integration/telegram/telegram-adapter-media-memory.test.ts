/**
 * A 40 MB file goes from its HTTP source to Telegram through a client in a
 * thread of its own, and the thread's heap and external memory never grow
 * by anything near the file's size: it is streamed in 512 KB parts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { outgoing, startWorld } from './adapter-test-kit.ts';
import type { MediaMemoryReport } from './telegram-adapter-media-memory.worker.ts';

const SIZE = 40 * 1024 * 1024;

describe('Telegram adapter: memory of a large file', function () {
  this.timeout(180_000);

  it('streams a 40 MB file with the thread\'s memory growing by a small fraction of it', async () => {
    const world = await startWorld();
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': SIZE, 'content-type': 'application/zip' });
      // Written a megabyte at a time, so the source itself never holds the file either.
      let sent = 0;
      const more = (): void => {
        while (sent < SIZE) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
        res.end();
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big.zip`;
      const payload = outgoing('a large file', { attachments: [{ kind: 'document', url, fileName: 'big.zip', sizeBytes: SIZE, contentType: 'application/zip' }] });
      const started = Date.now();
      const worker = new Worker(new URL('./telegram-adapter-media-memory.worker.ts', import.meta.url), {
        workerData: {
          runtime: { endpoint: { ...world.runtime.endpoint, server: `${world.fake.host}:${world.fake.port}` }, pacing: world.runtime.pacing },
          session: world.saved, chatId: world.chats.supergroup, payload,
        },
      });
      const report = await new Promise<MediaMemoryReport>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      const seconds = (Date.now() - started) / 1000;
      const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
      console.log(`      40 MB file in ${seconds.toFixed(1)} s: heap + external grew at most ${mib(report.settledPeakGrowthBytes)} MiB held (after full collections), ${mib(report.peakGrowthBytes)} MiB as sampled with garbage`);
      assert.ok(report.result.ok, JSON.stringify(report.result));
      const [posted] = world.fake.messages(world.supergroup).filter((m) => m.fromId === world.account.id);
      assert.equal(posted!.media!.data.length, SIZE);
      assert.ok(report.samples > 10, 'sampled while the file went through');
      assert.ok(report.settledPeakGrowthBytes < 10 * 1024 * 1024, `the thread held ${report.settledPeakGrowthBytes} B more`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await world.fake.close();
    }
  });
});
