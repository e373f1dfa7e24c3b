/**
 * Human posts at a steady pace into source channels of the Discord fake,
 * each carrying its number, and the verdict on what reached each pair's
 * destination (lost, duplicated, out of order), counted from the numbers in
 * the text. Shared by the fixtures that break something while traffic flows.
 */
import type { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { waitFor } from './forwarding-fixture.ts';

export interface Verdict { posted: number; delivered: number; lost: number; duplicated: number; outOfOrder: number }

/** A message that reached its destination after a later one of its source: when each arrived (ms since the epoch). */
export interface Disorder { src: string; dst: string; n: number; arrivedAt: number; after: number; afterArrivedAt: number }

/** Per source channel, a message number. */
export type Marks = ReadonlyMap<string, number>;

/** A source channel and the destination its messages should reach. */
export interface TrafficPair { src: string; dst: string }

export class NumberedTraffic {
  readonly #fake: DiscordFake;
  readonly #pairs: readonly TrafficPair[];
  readonly #tag: string;
  readonly #number: RegExp;
  readonly #posted = new Map<string, number>();
  #pump: NodeJS.Timeout | null = null;

  /** `tag` starts every message (`<tag> <n>`), so other posts in the channels are not counted. */
  constructor(fake: DiscordFake, pairs: readonly TrafficPair[], tag: string) {
    this.#fake = fake;
    this.#pairs = pairs;
    this.#tag = tag;
    this.#number = new RegExp(`\\b${tag} (\\d+)`);
  }

  /** Posts one numbered message into every source each `everyMs`, until `stop`. */
  start(everyMs: number): void {
    this.#pump = setInterval(() => {
      for (const pair of this.#pairs) {
        const n = this.#posted.get(pair.src) ?? 0;
        this.#fake.postAsUser(pair.src, { content: `${this.#tag} ${n}` });
        this.#posted.set(pair.src, n + 1);
      }
    }, everyMs);
  }

  stop(): void {
    if (this.#pump !== null) clearInterval(this.#pump);
    this.#pump = null;
  }

  /** The numbers that reached `pair`'s destination, in the order they are there. */
  arrived(pair: TrafficPair): number[] {
    return this.#arrivals(pair).map((a) => a.n);
  }

  /** Each numbered message in `pair`'s destination, in order, with when the fake took it. */
  #arrivals(pair: TrafficPair): Array<{ n: number; at: number }> {
    return this.#fake.messages(pair.dst).flatMap((m) => {
      const text = this.#number.exec(m.content)?.[1];
      return text === undefined ? [] : [{ n: Number(text), at: m.createdAt }];
    });
  }

  /** Messages delivered so far, over every pair. */
  delivered(): number {
    return this.#pairs.reduce((n, p) => n + new Set(this.arrived(p)).size, 0);
  }

  posted(): number {
    return [...this.#posted.values()].reduce((a, b) => a + b, 0);
  }

  /** Per source, the number its next post will carry: where a window of `verdict` or `resumedSince` starts. */
  marks(): Marks {
    return new Map(this.#pairs.map((p) => [p.src, this.#posted.get(p.src) ?? 0]));
  }

  /** Whether a message posted after `marks` has reached the destination of every pair (of `pairs`, default all). */
  resumedSince(marks: Marks, pairs: readonly TrafficPair[] = this.#pairs): boolean {
    return pairs.every((p) => this.arrived(p).some((n) => n >= marks.get(p.src)!));
  }

  /** Until every posted message has arrived somewhere (or `timeoutMs`), then a moment for late repeats. */
  async settle(timeoutMs: number): Promise<void> {
    const posted = this.posted();
    await waitFor(`${posted} messages delivered`, () => this.delivered() >= posted, timeoutMs).catch(() => {});
    await new Promise((r) => setTimeout(r, 1_000));
  }

  /** Every message that arrived after a higher number of its source, with both arrival times: what a report shows to find the cause. */
  disorders(): Disorder[] {
    const out: Disorder[] = [];
    for (const pair of this.#pairs) {
      let high: { n: number; at: number } | null = null;
      for (const { n, at } of this.#arrivals(pair)) {
        if (high !== null && n < high.n) out.push({ src: pair.src, dst: pair.dst, n, arrivedAt: at, after: high.n, afterArrivedAt: high.at });
        if (high === null || n > high.n) high = { n, at };
      }
    }
    return out;
  }

  /** Over everything posted, or over what was posted between two `marks` (`from` included, `to` not). */
  verdict(window?: { from: Marks; to: Marks }): Verdict {
    const v: Verdict = { posted: 0, delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0 };
    for (const pair of this.#pairs) {
      const from = window?.from.get(pair.src) ?? 0;
      const to = window?.to.get(pair.src) ?? this.#posted.get(pair.src) ?? 0;
      v.posted += to - from;
      const seen = new Set<number>();
      let last = -1;
      for (const n of this.arrived(pair).filter((x) => x >= from && x < to)) {
        if (seen.has(n)) v.duplicated += 1;
        else if (n < last) v.outOfOrder += 1;
        seen.add(n);
        last = Math.max(last, n);
      }
      v.delivered += seen.size;
      v.lost += to - from - seen.size;
    }
    return v;
  }
}
