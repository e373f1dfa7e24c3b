/**
 * Base of every error Switchboard raises on purpose. The `code` is stable and
 * documented: API clients, the CLI and tests match on it, never on the message.
 */
export class SwitchboardError<D extends Record<string, unknown> = Record<string, unknown>> extends Error {
  /** Stable machine-readable code, e.g. `quota_exceeded`. */
  readonly code: string;
  /** HTTP status the API answers with when this error reaches a client. */
  readonly status: number;
  /** Structured facts a client can act on (current figure, limit, field...). */
  readonly details: D;

  constructor(code: string, status: number, message: string, details: D, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** The `{error: {code, message, ...details}}` body the API and `--json` CLI print. */
  toJSON(): { error: { code: string; message: string } & D } {
    return { error: { ...this.details, code: this.code, message: this.message } };
  }
}

/** Type of a class made by {@link defineError}: `new X(details)`. */
export interface SwitchboardErrorClass<D extends Record<string, unknown>> {
  new (details: D, options?: ErrorOptions): SwitchboardError<D>;
  readonly code: string;
  readonly status: number;
}

/**
 * Makes a named error class for one code, as fastify's `createError` does, so
 * that `instanceof` works per error and the message is built from the details
 * in one place.
 */
export function defineError<D extends Record<string, unknown> = Record<string, never>>(
  name: string,
  code: string,
  status: number,
  message: (details: D) => string,
): SwitchboardErrorClass<D> {
  const cls = class extends SwitchboardError<D> {
    static readonly code = code;
    static readonly status = status;
    constructor(details: D, options?: ErrorOptions) {
      super(code, status, message(details), details, options);
      this.name = name;
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}
