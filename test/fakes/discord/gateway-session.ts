/**
 * A gateway session of the fake and its connection: the sequence number,
 * the dispatch frames kept for replay on resume (already serialised), and
 * dispatch payloads serialised once however many sessions get them.
 */
import type { WebSocket } from 'ws';
import type { FakeBot } from './model.ts';
import { withoutContent } from './payloads.ts';

export interface Connection {
  ws: WebSocket;
  session: Session | null;
  /** A zombie stays open but answers nothing and delivers nothing: its dispatches wait for a resume. */
  zombie: boolean;
  /** Times of the commands (any frame) sent within the rate-limit window, oldest first. */
  commands: number[];
  /** Closes the connection with 4009 unless a heartbeat comes first. */
  heartbeatDeadline: NodeJS.Timeout | null;
}

export interface Session {
  id: string;
  bot: FakeBot;
  intents: number;
  seq: number;
  /** Frames of dispatches firstSeq, firstSeq + 1, ... */
  frames: string[];
  firstSeq: number;
  connection: Connection | null;
  resumable: boolean;
  expiry: NodeJS.Timeout | null;
}

/** A dispatch's `d`, serialised at most once per variant whatever the number of sessions. */
export class LazyPayload {
  readonly #build: () => Record<string, unknown>;
  #full: string | null = null;
  #stripped: string | null = null;
  #object: Record<string, unknown> | null = null;

  constructor(build: () => Record<string, unknown>) {
    this.#build = build;
  }

  json(withContent: boolean): string {
    this.#object ??= this.#build();
    if (withContent) return (this.#full ??= JSON.stringify(this.#object));
    return (this.#stripped ??= JSON.stringify(withoutContent(this.#object)));
  }
}

/** Appends a dispatch to the session's replay buffer (bounded) and returns its frame. */
export function recordDispatch(session: Session, type: string, dJson: string, keep: number): string {
  session.seq += 1;
  const frame = `{"op":0,"t":"${type}","s":${session.seq},"d":${dJson}}`;
  session.frames.push(frame);
  // Trim in batches: the array shifts once per `keep` dispatches, not on each.
  if (session.frames.length > keep * 2) {
    const drop = session.frames.length - keep;
    session.frames.splice(0, drop);
    session.firstSeq += drop;
  }
  return frame;
}
