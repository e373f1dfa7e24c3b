/**
 * Gives every request an id, echoed in `X-Request-Id` and logged with its
 * errors, so a user's report can be matched to a log line. A caller's own id
 * (from a proxy) is kept when it is short and plain, else replaced: it ends
 * up in logs, so arbitrary text must not.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's id, also sent back as `X-Request-Id`. */
      id: string;
    }
  }
}

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  req.id = given !== undefined && SAFE_ID.test(given) ? given : randomUUID();
  res.set('X-Request-Id', req.id);
  next();
};
