/**
 * Admin commands (from the CLI over Redis, later the admin API) mapped onto
 * the supervisor's operations. Errors keep their codes, so the CLI can tell
 * an unknown session from a refused move.
 */
import type { AdminCommand } from '../src/cluster/status-snapshot.ts';
import { QueueUnavailableError } from '../src/errors/registry.ts';
import type { ForwardingQueue } from './forwarding-queue.ts';
import type { Supervisor } from './supervisor.ts';

export async function runAdminCommand(supervisor: Supervisor, command: AdminCommand, queue: ForwardingQueue | null = null): Promise<unknown> {
  switch (command.command) {
    case 'stop':
      await supervisor.removeSession(command.sessionId);
      return { stopped: command.sessionId };
    case 'pause':
      return supervisor.pauseSession(command.sessionId, 'admin');
    case 'resume':
      return supervisor.resumeSession(command.sessionId);
    case 'reassign':
      return supervisor.reassignSession(command.sessionId, command.toWorkerId);
    case 'drain':
      return supervisor.drainWorker(command.workerId);
    case 'set-pressure':
      supervisor.setPressure(command);
      return supervisor.pressureOptions();
    case 'dead-letters': {
      if (queue === null) throw new QueueUnavailableError({ supervisorId: supervisor.id });
      if (command.action === 'list') {
        return queue.deadLetters.list({ limit: command.limit ?? 100, offset: command.offset ?? 0 });
      }
      if (command.action === 'purge') return queue.deadLetters.purge(command.ids);
      const report = await queue.replayDeadLetters(command.ids);
      return { replayed: report.replayed.map((t) => t.id), missing: report.missing, conflicting: report.conflicting };
    }
  }
}
