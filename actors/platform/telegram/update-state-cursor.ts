/**
 * The update state kept durably with the session's cursor, so a fresh start
 * (a worker restart, a move, a resume after a RAM-pressure pause) asks
 * Telegram for the difference rather than reading every chat's history:
 * only the difference carries the edits and deletes made while the session
 * was down. It travels in the cursor map under keys no chat id can take
 * (chat ids are marked ids, digits and `-`): `~pts`, `~qts`, `~date`, and
 * `~ch:<bare channel id>` per watched channel. Each is an increasing
 * integer, so the cursor store's "only ever later" rule holds for it as for
 * a message id. seq is not kept: the adapter never checks it. Pure.
 */
import type { ResumeCursor } from '../../../src/runtime-contracts/actor-contract.ts';
import type { UpdateState } from './update-state.ts';

const PREFIX = '~';
const CHANNEL = '~ch:';
const COMMON = ['pts', 'qts', 'date'] as const;

/** True for the keys of the update state, false for chat positions. */
export function isStateKey(key: string): boolean {
  return key.startsWith(PREFIX);
}

/** The cursor without the update state: chat positions only. */
export function chatPositions(cursor: ResumeCursor): Record<string, string> {
  return Object.fromEntries(Object.entries(cursor).filter(([key]) => !isStateKey(key)));
}

/** `state` as cursor entries; none while the common state is unknown (nothing to resume from). */
export function stateEntries(state: UpdateState): Record<string, string> {
  const common = state.common;
  if (common === null) return {};
  const out: Record<string, string> = {};
  for (const field of COMMON) if (common[field] >= 0) out[PREFIX + field] = String(common[field]);
  for (const [channelId, pts] of state.channels()) if (pts > 0) out[CHANNEL + channelId] = String(pts);
  return out;
}

function count(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Sets `state` from a cursor's entries; true when it held a usable common
 * state (a pts above 0 and a date), false when it held none (an account
 * never started with this adapter, or one from before it kept its state).
 */
export function restoreState(state: UpdateState, cursor: ResumeCursor): boolean {
  const pts = count(cursor[`${PREFIX}pts`]);
  const date = count(cursor[`${PREFIX}date`]);
  if (pts === null || pts <= 0 || date === null) return false;
  state.setCommon({ pts, qts: count(cursor[`${PREFIX}qts`]) ?? 0, date, seq: 0 });
  for (const [key, value] of Object.entries(cursor)) {
    if (!key.startsWith(CHANNEL)) continue;
    const channelPts = count(value);
    const channelId = key.slice(CHANNEL.length);
    if (channelPts !== null && channelPts > 0 && /^\d+$/.test(channelId)) state.setChannel(channelId, channelPts);
  }
  return true;
}

/** The entries of `next` that differ from `before`: what a checkpoint has to move. */
export function changedEntries(before: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => before[key] !== value));
}
