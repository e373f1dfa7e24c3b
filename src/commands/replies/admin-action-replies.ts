/**
 * Replies to the admin commands that change things: a session stopped,
 * paused, resumed or moved, dead letters listed or replayed, a user
 * suspended, reactivated or moved to another plan. Pure.
 */
import type { DeadLetter } from '../../scheduler/store/task-codec.ts';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
const DONE: Readonly<Record<'stop' | 'pause' | 'resume', string>> = { stop: 'stopped', pause: 'paused', resume: 'resumed' };

export function sessionActionReply(sessionId: string, verb: 'stop' | 'pause' | 'resume', supervisorId: string): RichText {
  return new ReplyText().plain('Session ').code(sessionId).plain(` ${DONE[verb]} on ${supervisorId}.`).build();
}

export function reassignReply(sessionId: string, toWorkerId: string, supervisorId: string): RichText {
  return new ReplyText().plain('Session ').code(sessionId).plain(` moved to ${toWorkerId} on ${supervisorId}.`).build();
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/** `letters` as listed (one more than `shown` means there are more); `now` for their age. */
export function deadLettersReply(supervisorId: string, letters: readonly DeadLetter[], shown: number, now: number): RichText {
  if (letters.length === 0) return new ReplyText().plain(`No dead letters on ${supervisorId}.`).build();
  const r = new ReplyText().bold(`Dead letters on ${supervisorId}, oldest first`).line();
  for (const letter of letters.slice(0, shown)) {
    r.code(letter.task.id).plain(` · pair ${letter.task.pairId} · ${letter.task.tier} · ${letter.reason} · ${age(now - letter.deadAt)}: ${letter.error}`).line();
  }
  if (letters.length > shown) r.plain('… and more: /v1/admin/dead-letters lists them all.').line();
  return r.plain('/dead_letters replay ID puts one back in the queue; /dead_letters replay all, every one.').build();
}

export interface ReplaySummary {
  replayed: string[];
  missing: string[];
  conflicting: string[];
}

export function replayReply(report: ReplaySummary): RichText {
  const r = new ReplyText().plain(`Replayed ${report.replayed.length}.`);
  if (report.missing.length > 0) r.plain(` Not dead letters (unknown or replayed already): ${report.missing.join(', ')}.`);
  if (report.conflicting.length > 0) r.plain(` Left alone, a pending task has the same id: ${report.conflicting.join(', ')}.`);
  return r.build();
}

export function userStatusReply(email: string, status: string, changed: boolean): RichText {
  return new ReplyText().bold(email).plain(changed ? ` is ${status} now.` : ` was ${status} already.`).build();
}

export function planChangeReply(email: string, plan: string, pausedPairs: number, pausedAccounts: number): RichText {
  const r = new ReplyText().bold(email).plain(` is on ${plan} now.`);
  if (pausedPairs + pausedAccounts > 0) {
    r.plain(` Over the new limits, paused: ${count(pausedPairs, 'pair')}, ${count(pausedAccounts, 'account')}.`);
  }
  return r.build();
}
