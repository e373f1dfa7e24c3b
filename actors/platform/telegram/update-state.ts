/**
 * Where a client stands in Telegram's update sequences, so what a dropped
 * or silent connection missed can be asked for again (core.telegram.org/api/updates):
 * the common box (private chats and basic groups: pts, plus qts and date,
 * which `updates.getDifference` needs) and one pts per channel it watches.
 *
 * An update that moves pts by `ptsCount` to `pts` applies when the local pts
 * is `pts - ptsCount`; at or past `pts` it was applied already (a duplicate);
 * short of `pts - ptsCount` some updates are missing (a gap), and the
 * caller fetches the difference, which includes this one. seq is kept but
 * not checked: every update the adapter acts on carries a pts. Pure.
 */

export interface CommonState {
  pts: number;
  qts: number;
  /** Unix seconds. */
  date: number;
  seq: number;
}

export type Verdict = 'apply' | 'duplicate' | 'gap';

function verdict(local: number, pts: number, ptsCount: number): Verdict {
  if (pts <= local) return 'duplicate';
  if (pts - ptsCount > local) return 'gap';
  return 'apply';
}

export class UpdateState {
  #common: CommonState | null = null;
  readonly #channels = new Map<string, number>();

  /** The common box state, null until `updates.getState` answered once. */
  get common(): CommonState | null {
    return this.#common === null ? null : { ...this.#common };
  }

  setCommon(state: CommonState): void {
    this.#common = { ...state };
  }

  /** A common-box update; with no state yet everything applies (the caller is still starting). */
  checkCommon(pts: number, ptsCount: number): Verdict {
    return this.#common === null ? 'apply' : verdict(this.#common.pts, pts, ptsCount);
  }

  applyCommon(pts: number): void {
    if (this.#common !== null && pts > this.#common.pts) this.#common.pts = pts;
  }

  /** Date (and seq, when not 0) of an update container, for the next getDifference. */
  noteDate(date: number, seq = 0): void {
    if (this.#common === null) return;
    if (date > this.#common.date) this.#common.date = date;
    if (seq > this.#common.seq) this.#common.seq = seq;
  }

  /** An update of channel `channelId` (bare id); a channel with no known pts yet takes it as it comes. */
  checkChannel(channelId: string, pts: number, ptsCount: number): Verdict {
    const local = this.#channels.get(channelId);
    return local === undefined ? 'apply' : verdict(local, pts, ptsCount);
  }

  applyChannel(channelId: string, pts: number): void {
    const local = this.#channels.get(channelId);
    if (local === undefined || pts > local) this.#channels.set(channelId, pts);
  }

  /** Sets a channel's pts outright (from a dialog, or the end of a channel difference). */
  setChannel(channelId: string, pts: number): void {
    this.#channels.set(channelId, pts);
  }

  /** Every followed channel's pts, by bare id. */
  channels(): Array<[string, number]> {
    return [...this.#channels];
  }

  channelPts(channelId: string): number | undefined {
    return this.#channels.get(channelId);
  }

  /** Stops following channels not in `keep` (bare ids): they are no longer watched. */
  retainChannels(keep: ReadonlySet<string>): void {
    for (const id of this.#channels.keys()) if (!keep.has(id)) this.#channels.delete(id);
  }

  get channelCount(): number {
    return this.#channels.size;
  }
}
