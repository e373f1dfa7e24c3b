/**
 * What the steering commands (`stop`, `pause`, `resume`, `reassign`, `drain`)
 * print once the owning supervisor answers.
 */
import type { AdminCommand } from '../../cluster/status-snapshot.ts';

/** `stop session "s1"`, `reassign session "s1" to worker "w2"`, `drain worker "w1"`. */
export function describeCommand(command: AdminCommand): string {
  switch (command.command) {
    case 'stop':
    case 'pause':
    case 'resume':
      return `${command.command} session "${command.sessionId}"`;
    case 'reassign':
      return `reassign session "${command.sessionId}" to worker "${command.toWorkerId}"`;
    case 'drain':
      return `drain worker "${command.workerId}"`;
    case 'set-pressure':
      return 'set pressure watermarks';
    case 'dead-letters':
      return command.action === 'list' ? 'list dead letters' : `${command.action} dead letters ${command.ids === 'all' ? '(all)' : command.ids.join(', ')}`;
  }
}

/** `supervisor sup-a: stop session "s1": done` plus the result, compact, when there is one. */
export function formatCommandDone(supervisorId: string, command: AdminCommand, result: unknown): string {
  const detail = result === null || result === undefined ? 'done' : `done ${JSON.stringify(result)}`;
  return `supervisor ${supervisorId}: ${describeCommand(command)}: ${detail}`;
}

/** `supervisor sup-a refused to stop session "s1": <message> [code]`. */
export function formatCommandRefused(supervisorId: string, command: AdminCommand, error: { code: string; message: string }): string {
  return `supervisor ${supervisorId} refused to ${describeCommand(command)}: ${error.message} [${error.code}]`;
}
