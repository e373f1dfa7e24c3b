/**
 * Entry of a worker process, forked by the supervisor with an IPC channel
 * (`serialization: 'advanced'`), tsx (`--import tsx`, which its piscina
 * threads inherit) and its WorkerOptions as JSON in SB_WORKER_OPTIONS. It
 * expects MALLOC_ARENA_MAX=2 in its environment (set by the supervisor) so
 * memory its threads free goes back to the OS; it sets no V8 heap flags: the
 * per-thread cap is piscina's `resourceLimits`.
 *
 * It serves WorkerApi with comlink on the IPC channel and sends WorkerEvents
 * up the same channel in their own lane. Exit codes: 0 after shutdown() (or
 * SIGTERM, or the supervisor going away), 1 on escalation or a bad start.
 */
import * as Comlink from 'comlink';
import { parseWorkerOptions } from './worker-options.ts';
import { WorkerRuntime } from './worker-runtime.ts';
import type { WorkerApi, WorkerEvent, WorkerOptions } from '../src/runtime-contracts/worker-protocol.ts';
import { installErrorCodes } from '../src/cluster/comlink-errors.ts';
import { parentChannel } from '../src/cluster/ipc-endpoint.ts';

function fatal(message: string): never {
  process.stderr.write(`worker-process: ${message}\n`);
  process.exit(1);
}

if (process.send === undefined) fatal('must be forked with an IPC channel (child_process.fork)');

let options: WorkerOptions;
try {
  options = parseWorkerOptions(process.env.SB_WORKER_OPTIONS);
} catch (error) {
  fatal(error instanceof Error ? error.message : String(error));
}

installErrorCodes();
const channel = parentChannel<WorkerEvent>();
let exiting = false;

/** Exits once everything queued on the channel has been handed to the OS. */
function exitAfterFlush(code: number): void {
  if (exiting) return;
  exiting = true;
  void channel.flush().finally(() => process.exit(code));
}

const runtime = new WorkerRuntime(options, {
  emit: (event) => channel.sendEvent(event),
  escalate: (event) => {
    channel.sendEvent(event);
    exitAfterFlush(1);
  },
});

let stopping: Promise<Record<string, Record<string, string>>> | null = null;
function shutdown(): Promise<Record<string, Record<string, string>>> {
  stopping ??= runtime.shutdown();
  return stopping;
}

const api: WorkerApi = {
  startActor: (spec, cursor) => runtime.startActor(spec, cursor),
  stopActor: (actorId) => runtime.stopActor(actorId),
  pauseActor: (actorId) => runtime.pauseActor(actorId),
  resumeActor: (actorId, cursor) => runtime.resumeActor(actorId, cursor),
  idleActor: (actorId) => runtime.idleActor(actorId),
  watch: (actorId, chatIds) => runtime.watch(actorId, chatIds),
  send: (actorId, task) => runtime.send(actorId, task),
  readFile: (actorId, read) => runtime.readFile(actorId, read),
  topicTitle: (actorId, chatId, topicId) => runtime.topicTitle(actorId, chatId, topicId),
  refreshLinks: (actorId, urls) => runtime.refreshLinks(actorId, urls),
  status: (options) => runtime.status(options),
  health: (actorId) => runtime.health(actorId),
  healthCheck: () => runtime.healthCheck(),
  shutdown: async () => {
    const cursors = await shutdown();
    // After comlink has queued the reply (it does so once this promise settles).
    setImmediate(() => exitAfterFlush(0));
    return cursors;
  },
};
Comlink.expose(api, channel.endpoint);

const stopAndExit = (): void => {
  shutdown().then(() => exitAfterFlush(0), () => exitAfterFlush(1));
};
process.once('SIGTERM', stopAndExit);
// A SIGINT is for the supervisor, which stops the workers in order. Process
// managers that signal a whole tree (pm2's treekill) would otherwise kill the
// workers under it mid-shutdown, and it would count them as crashed.
process.on('SIGINT', () => {});
// The supervisor is gone: nobody will call shutdown(), so stop the actors ourselves.
process.once('disconnect', stopAndExit);
