/**
 * The set of runnable work, arranged so the next task is found in O(1):
 *
 *   tier ring (elite, pro, free)  -> slots, one per user with ready work, round-robin
 *     slot (tier, user)           -> lanes, one per sending account, round-robin
 *       lane (slot, account)      -> pairs whose head task is ready, round-robin
 *         pair                    -> FIFO of its tasks; only the head is ever ready
 *
 * Anything that cannot run right now is taken out of the rings rather than
 * skipped on every take:
 * - a rate-limited user's slots leave their tier rings until its refill;
 * - a lane whose account is blocked, paced or full is parked on the account;
 *   reopening puts back every lane parked there, a handful per account;
 * - a lane whose worker is full is parked on the worker, per tier, oldest
 *   first. A worker may host thousands of accounts, so a freed slot lets out
 *   only the best parked lane, at the front of its user's lanes. Should that
 *   lane stop being servable for another reason (its account closes, its user
 *   is rate-parked) the next one is let out, so a worker with free slots never
 *   sits idle behind its own parking, and the cost per completion stays O(1).
 * Only structure lives here; decisions, timers and events are the scheduler's.
 */
import type { Tier } from '../../domain/plans/plan-types.ts';
import { TIERS_BY_PRIORITY } from '../../domain/plans/plan-types.ts';
import { LinkedRing } from './linked-ring.ts';
import type { AccountState, LaneState, PairState, SlotState, UserState, WorkerState } from './scheduler-state.ts';

function perTier<T>(make: () => T): Record<Tier, T> {
  const out = {} as Record<Tier, T>;
  for (const tier of TIERS_BY_PRIORITY) out[tier] = make();
  return out;
}

/** Empty per-tier parking for a new worker. */
export function newWorkerParking(): Record<Tier, LinkedRing<LaneState>> {
  return perTier(() => new LinkedRing<LaneState>());
}

export class ReadyIndex {
  /** Slots with at least one live lane, of users not rate-parked. */
  readonly tierRings: Readonly<Record<Tier, LinkedRing<SlotState>>> = perTier(() => new LinkedRing<SlotState>());
  readonly #workerCap: number;
  /** Slots of a worker each tier may fill: the cap less what is kept for the tiers above. */
  readonly capOf: Readonly<Record<Tier, number>>;

  constructor(maxInFlightPerWorker: number, reserved: Readonly<Partial<Record<'elite' | 'pro', number>>> = {}) {
    this.#workerCap = maxInFlightPerWorker;
    const elite = reserved.elite ?? 0;
    const pro = reserved.pro ?? 0;
    this.capOf = { elite: maxInFlightPerWorker, pro: maxInFlightPerWorker - elite, free: maxInFlightPerWorker - elite - pro };
  }

  /** The lane for ready work of `user` at effective tier `tier` on `account`. */
  laneFor(user: UserState, tier: Tier, account: AccountState): LaneState {
    let slot = user.slots.get(tier);
    if (slot === undefined) {
      slot = { tier, user, lanes: new LinkedRing<LaneState>(), laneByAccount: new Map(), ring: null, ringPrev: null, ringNext: null };
      user.slots.set(tier, slot);
    }
    let lane = slot.laneByAccount.get(account.id);
    if (lane === undefined) {
      lane = { slot, account, pairs: new LinkedRing<PairState>(), released: false, ring: null, ringPrev: null, ringNext: null };
      slot.laneByAccount.set(account.id, lane);
    }
    return lane;
  }

  addPair(pair: PairState, lane: LaneState): void {
    pair.lane = lane;
    lane.pairs.push(pair);
    if (lane.pairs.size === 1) this.#placeLane(lane, false);
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

  /** After a dispatch from `lane`: its turn is over, its user and account go to the back. */
  rotate(lane: LaneState, slot: SlotState): void {
    lane.released = false;
    if (lane.ring === slot.lanes) slot.lanes.moveToBack(lane);
    if (slot.ring !== null) slot.ring.moveToBack(slot);
  }

  parkUser(user: UserState): void {
    user.parked = true;
    for (const slot of user.slots.values()) {
      if (slot.ring === null) continue;
      slot.ring.remove(slot);
      for (let lane = slot.lanes.first; lane !== null; lane = lane.ringNext) this.releaseFromWorker(lane.account.worker);
    }
  }

  unparkUser(user: UserState): void {
    user.parked = false;
    for (const slot of user.slots.values()) this.#activateSlot(slot);
  }

  parkOnAccount(lane: LaneState): void {
    this.#unplaceLane(lane);
    lane.account.parked.push(lane);
    this.releaseFromWorker(lane.account.worker);
  }

  openAccount(account: AccountState): void {
    account.closed = null;
    for (const lane of account.parked.drain()) this.#placeLane(lane, false);
  }

  parkOnWorker(lane: LaneState): void {
    this.#unplaceLane(lane);
    this.#parkOnWorker(lane);
  }

  /**
   * While `worker` has a free slot and parked lanes, lets out the best one (top
   * tier, longest parked) until one is servable, i.e. live in its user's ring.
   */
  releaseFromWorker(worker: WorkerState): void {
    while (worker.inFlight < this.#workerCap) {
      let lane: LaneState | null = null;
      for (const tier of TIERS_BY_PRIORITY) {
        if (worker.inFlight >= this.capOf[tier]) break;
        lane = worker.parked[tier].first;
        if (lane !== null) break;
      }
      if (lane === null) return;
      lane.ring!.remove(lane);
      lane.released = true;
      this.#placeLane(lane, true);
      if (lane.ring === lane.slot.lanes && lane.slot.ring !== null) return;
    }
  }

  /** After `account` moved off `worker`: its lanes parked there are placed again under the new worker. */
  unparkAccountFrom(worker: WorkerState, account: AccountState): void {
    for (const tier of TIERS_BY_PRIORITY) {
      const ring = worker.parked[tier];
      for (let lane = ring.first; lane !== null;) {
        const next = lane.ringNext;
        if (lane.account === account) {
          ring.remove(lane);
          this.#placeLane(lane, false);
        }
        lane = next;
      }
    }
  }

  /** Puts a non-empty lane where it belongs: parked if its account is closed or its worker full, else live. */
  #placeLane(lane: LaneState, front: boolean): void {
    const account = lane.account;
    if (account.closed !== null) account.parked.push(lane);
    else if (account.worker.inFlight >= this.capOf[lane.slot.tier]) this.#parkOnWorker(lane);
    else {
      const lanes = lane.slot.lanes;
      if (front) lanes.unshift(lane);
      else lanes.push(lane);
      if (lanes.size === 1) this.#activateSlot(lane.slot);
    }
  }

  #parkOnWorker(lane: LaneState): void {
    const ring = lane.account.worker.parked[lane.slot.tier];
    if (lane.released) ring.unshift(lane);
    else ring.push(lane);
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
