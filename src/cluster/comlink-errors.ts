/**
 * comlink sends a thrown Error as `{ message, name, stack }` only, so a
 * SwitchboardError's stable `code` (what callers match on) would be lost at
 * every thread and process hop. This replaces comlink's `throw` handler, on
 * the side that throws, with one that also carries `code`, `status` and
 * `details`; comlink's receiving side already copies every serialized field
 * onto the Error it rethrows, so `err.code` survives the round trip.
 *
 * comlink keeps its handlers in a module-level Map, i.e. per isolate: every
 * thread and process that exposes an API must call this once.
 */
import * as Comlink from 'comlink';

interface ThrownValue {
  value: unknown;
}

const baseThrow = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<ThrownValue, unknown>;

const throwWithCode: Comlink.TransferHandler<ThrownValue, unknown> = {
  canHandle: (value): value is ThrownValue => baseThrow.canHandle(value),
  serialize({ value }) {
    if (!(value instanceof Error)) return baseThrow.serialize({ value });
    const extra = value as Error & { code?: unknown; status?: unknown; details?: unknown };
    // Only cloneable facts: `details` of our errors are plain data by construction.
    const serialized = {
      isError: true,
      value: {
        message: value.message,
        name: value.name,
        stack: value.stack,
        ...(typeof extra.code === 'string' ? { code: extra.code } : {}),
        ...(typeof extra.status === 'number' ? { status: extra.status } : {}),
        ...(extra.details !== undefined ? { details: structuredClone(extra.details) } : {}),
      },
    };
    return [serialized, []];
  },
  deserialize: (serialized) => baseThrow.deserialize(serialized),
};

/** Makes errors thrown by APIs exposed from this isolate keep their `code`; idempotent. */
export function installErrorCodes(): void {
  Comlink.transferHandlers.set('throw', throwWithCode as Comlink.TransferHandler<unknown, unknown>);
}
