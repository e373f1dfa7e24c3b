/**
 * The set of runnable work, arranged so the next task is found in O(1):
 *
 *   tier ring (elite, pro, free)  -> slots, one per user with ready work, round-robin
 *     slot (tier, user)           -> lanes, one per sending account, round-robin
 *       lane (slot, account)      -> pairs whose head task is ready, round-robin
 *         pair                    -> FIFO of its tasks; only the head is ever ready
 *
 * Anything that cannot run right now is taken out of the rings rather than
 * skipped on every take: a rate-limited user's slots leave their tier rings, a
 * lane whose account is blocked, paced or full is parked on that account, a
 * lane whose worker is full is parked on that worker. Reopening moves the
 * parked items back in O(items parked there), which is a handful per account.
 * Only structure lives here; decisions, timers and events are the scheduler's.
 */
import type { Tier } from '../../domain/plans/plan-types.ts';
import { TIERS_BY_PRIORITY } from '../../domain/plans/plan-types.ts';
import { LinkedRing } from './linked-ring.ts';
import type { AccountState, LaneState, PairState, SlotState, UserState, WorkerState } from './scheduler-state.ts';

export class ReadyIndex {
  /** Slots with at least one open lane, of users not rate-parked. */
  readonly tierRings: Readonly<Record<Tier, LinkedRing<SlotState>>>;

  constructor() {
    const rings = {} as Record<Tier, LinkedRing<SlotState>>;
    for (const tier of TIERS_BY_PRIORITY) rings[tier] = new LinkedRing<SlotState>();
    this.tierRings = rings;
  }

  /** The lane `pair` joins when ready at effective tier `tier` on `account`. */
  laneFor(user: UserState, tier: Tier, account: AccountState): LaneState {
    let slot = user.slots.get(tier);
    if (slot === undefined) {
      slot = { tier, user, lanes: new LinkedRing<LaneState>(), laneByAccount: new Map(), ring: null, ringPrev: null, ringNext: null };
      user.slots.set(tier, slot);
    }
    let lane = slot.laneByAccount.get(account.id);
    if (lane === undefined) {
      lane = { slot, account, pairs: new LinkedRing<PairState>(), ring: null, ringPrev: null, ringNext: null };
      slot.laneByAccount.set(account.id, lane);
    }
    return lane;
  }

  addPair(pair: PairState, lane: LaneState): void {
    pair.lane = lane;
    lane.pairs.push(pair);
    if (lane.pairs.size === 1) this.#placeLane(lane);
  }

  /** Takes a ready pair out; drops its lane and slot once empty. */
  removePair(pair: PairState): void {
    const lane = pair.lane!;
    lane.pairs.remove(pair);
    pair.lane = null;
    if (lane.pairs.size > 0) return;
    this.#unplaceLane(lane);
    const slot = lane.slot;
    slot.laneByAccount.delete(lane.account.id);
    if (slot.laneByAccount.size === 0) slot.user.slots.delete(slot.tier);
  }

  /** After a dispatch from `lane`: its user and account go to the back of their rings. */
  rotate(lane: LaneState, slot: SlotState): void {
    if (lane.ring === slot.lanes) slot.lanes.moveToBack(lane);
    if (slot.ring !== null) slot.ring.moveToBack(slot);
  }

  parkUser(user: UserState): void {
    user.parked = true;
    for (const slot of user.slots.values()) slot.ring?.remove(slot);
  }

  unparkUser(user: UserState): void {
    user.parked = false;
    for (const slot of user.slots.values()) this.#activateSlot(slot);
  }

  parkOnAccount(lane: LaneState): void {
    this.#unplaceLane(lane);
    lane.account.parked.push(lane);
  }

  openAccount(account: AccountState): void {
    account.closed = null;
    for (const lane of account.parked.drain()) this.#placeLane(lane);
  }

  parkOnWorker(lane: LaneState): void {
    this.#unplaceLane(lane);
    lane.account.worker.parked.push(lane);
  }

  openWorker(worker: WorkerState): void {
    worker.closed = false;
    for (const lane of worker.parked.drain()) this.#placeLane(lane);
  }

  /** After `account` moved off `worker`: its lanes parked there are placed again under the new worker. */
  unparkAccountFrom(worker: WorkerState, account: AccountState): void {
    for (let lane = worker.parked.first; lane !== null;) {
      const next = lane.ringNext;
      if (lane.account === account) {
        worker.parked.remove(lane);
        this.#placeLane(lane);
      }
      lane = next;
    }
  }

  /** Puts a non-empty lane where it belongs: parked if its account or worker is closed, else live. */
  #placeLane(lane: LaneState): void {
    const account = lane.account;
    if (account.closed !== null) account.parked.push(lane);
    else if (account.worker.closed) account.worker.parked.push(lane);
    else {
      lane.slot.lanes.push(lane);
      if (lane.slot.lanes.size === 1) this.#activateSlot(lane.slot);
    }
  }

  #unplaceLane(lane: LaneState): void {
    const ring = lane.ring;
    if (ring === null) return;
    ring.remove(lane);
    if (ring === lane.slot.lanes && ring.size === 0) lane.slot.ring?.remove(lane.slot);
  }

  #activateSlot(slot: SlotState): void {
    if (!slot.user.parked && slot.ring === null && slot.lanes.size > 0) this.tierRings[slot.tier].push(slot);
  }
}
