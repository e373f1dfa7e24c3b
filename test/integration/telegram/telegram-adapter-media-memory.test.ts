/**
 * A 40 MB file goes from its HTTP source to Telegram through a client in a
 * thread of its own, and the thread's heap and external memory never grow
 * by anything near the file's size: it is streamed in 512 KB parts. Beside
 * it a 1 GiB file, over the Pro plan's file size, is refused without a byte
 * of it read: it goes as a line with its name and size.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { PLANS } from '../../../config/plans.ts';
import { fileLimitBytes } from '../../../src/domain/plans/plan-rules.ts';
import { outgoing, startWorld } from './adapter-test-kit.ts';
import type { MediaMemoryReport } from './telegram-adapter-media-memory.worker.ts';

const SIZE = 40 * 1024 * 1024;
const HUGE = 1024 * 1024 * 1024;

describe('Telegram adapter: memory of a large file', function () {
  this.timeout(180_000);

  it('streams a 40 MB file with the thread\'s memory growing by a small fraction of it, and refuses a 1 GiB one over the plan unread', async () => {
    const world = await startWorld();
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const requested: string[] = [];
    const server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const size = req.url === '/huge.iso' ? HUGE : SIZE;
      res.writeHead(200, { 'content-length': size, 'content-type': 'application/zip' });
      // Written a megabyte at a time, so the source itself never holds the file either.
      let sent = 0;
      const more = (): void => {
        while (sent < size) {
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
      const huge = url.replace('/big.zip', '/huge.iso');
      const payload = outgoing('a large file', {
        attachments: [
          { kind: 'document', url: huge, fileName: 'huge.iso', sizeBytes: HUGE, contentType: 'application/octet-stream' },
          { kind: 'document', url, fileName: 'big.zip', sizeBytes: SIZE, contentType: 'application/zip' },
        ],
        fileLimitBytes: fileLimitBytes(PLANS.pro),
      });
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
      assert.match(posted!.text, /📎 huge\.iso \(1\.0 GiB, over the 200\.0 MiB upload limit\)/);
      assert.deepEqual(requested, ['/big.zip'], 'the file over the plan is never asked for');
      assert.ok(report.samples > 10, 'sampled while the file went through');
      assert.ok(report.settledPeakGrowthBytes < 10 * 1024 * 1024, `the thread held ${report.settledPeakGrowthBytes} B more`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await world.fake.close();
    }
  });
});
