/**
 * Admin commands (from the CLI over Redis, later the admin API) mapped onto
 * the supervisor's operations. Errors keep their codes, so the CLI can tell
 * an unknown session from a refused move.
 */
import type { AdminCommand } from '../src/cluster/status-snapshot.ts';
import type { Supervisor } from './supervisor.ts';

export async function runAdminCommand(supervisor: Supervisor, command: AdminCommand): Promise<unknown> {
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
  }
}
