/**
 * A route that reads a JSON body refuses any other body with 415 instead of
 * reading it as empty: express.json() skips what is not JSON, so a form or a
 * text/plain PATCH would otherwise "succeed" having changed nothing the client
 * meant. A request with no body at all passes (the schema names what is
 * missing). Charsets and encodings body-parser cannot read are 415 too (see
 * the error handler).
 */
import type { RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../../errors/registry.ts';

export const JSON_MEDIA_TYPE = 'application/json';

export const requireJsonBody: RequestHandler = (req, _res, next) => {
  // req.is: null without a body, false for a body of another type; an announced empty body is no body.
  if (req.headers['content-length'] !== '0' && req.is(['application/json', 'application/*+json']) === false) {
    throw new UnsupportedMediaTypeError({ contentType: sanitize(req.headers['content-type'] ?? ''), accepted: JSON_MEDIA_TYPE });
  }
  next();
};

/** The header as echoed back: printable ASCII, at most 100 characters. */
export function sanitize(value: string): string {
  return value.replace(/[^\x20-\x7e]/gu, '?').slice(0, 100);
}
