/**
 * The last two middlewares of the app: unknown routes answer 404, and every
 * error becomes the `{ error: { code, message, ...details } }` body. Only
 * SwitchboardErrors say what went wrong; anything else is logged with the
 * request id and answered as a bare `internal_error`, so no stack trace,
 * SQL or library message reaches a client.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isUnreachable } from '../../infra/server-unreachable.ts';
import {
  DependencyUnavailableError, InternalError, InvalidJsonError, PayloadTooLargeError, RouteNotFoundError, UnsupportedMediaTypeError, ValidationFailedError,
} from '../../errors/registry.ts';
import { SwitchboardError } from '../../errors/switchboard-error.ts';
import { sanitize } from './json-content-type.ts';
import { issuesOf } from './validate.ts';

/** body-parser's errors carry a `type`, the limit that was exceeded, the charset or encoding it could not read. */
interface BodyParserError {
  type?: string;
  limit?: number;
  status?: number;
}

/** What a 503 for a storage outage asks the client to wait: about one reconnect round of the pools. */
const DEPENDENCY_RETRY_AFTER_S = 5;

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new RouteNotFoundError({ method: req.method, path: req.path }));
};

function toSwitchboardError(err: unknown, req: Request): SwitchboardError | null {
  if (err instanceof SwitchboardError) return err;
  if (err instanceof z.ZodError) return new ValidationFailedError({ details: issuesOf(err) });
  const parserError = err as BodyParserError | null;
  if (parserError?.type === 'entity.parse.failed') return new InvalidJsonError({});
  // The router could not percent-decode a path parameter.
  if (err instanceof URIError) return new ValidationFailedError({ details: [{ path: '', message: 'The path is not valid percent-encoded UTF-8' }] });
  if (parserError?.type === 'entity.too.large') return new PayloadTooLargeError({ limitBytes: parserError.limit ?? 0 });
  // PostgreSQL or Redis gone for a moment (a restart, a failover): the client may simply try again.
  if (isUnreachable(err)) {
    return new DependencyUnavailableError({ dependency: 'Storage', reason: 'a database server does not answer; try again in a few seconds' });
  }
  if (parserError?.type === 'charset.unsupported' || parserError?.type === 'encoding.unsupported') {
    const sent = parserError.type === 'charset.unsupported' ? req.headers['content-type'] : `Content-Encoding ${req.headers['content-encoding'] ?? ''}`;
    return new UnsupportedMediaTypeError({ contentType: sanitize(sent ?? ''), accepted: 'application/json in UTF-8 (Content-Encoding gzip, deflate or br at most)' });
  }
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    // Express's own rule: once headers are out, only it can abort the response.
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toSwitchboardError(err, req);
    const error: SwitchboardError = known ?? new InternalError({ message: 'Internal server error' });
    if (known === null) {
      logger.error({ err, reqId: req.id, method: req.method, path: req.path }, 'unhandled error in request');
    } else if (error.status >= 500) {
      logger.error({ err, reqId: req.id, code: error.code }, 'request failed');
    }
    // Every 429 says when to come back: our own rate limits and Telegram's flood waits alike.
    const retryAfter = known?.details.retryAfterSeconds;
    if (error.status === 429 && typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
    if (error.code === 'dependency_unavailable') res.set('Retry-After', String(DEPENDENCY_RETRY_AFTER_S));
    res.status(error.status).json(error.toJSON());
  };
}
