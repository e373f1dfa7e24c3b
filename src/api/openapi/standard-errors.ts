/**
 * The error answers every route can give, so routers only describe the
 * errors particular to them. One shared `Error` schema in the document.
 */
import { z } from 'zod';
import type { RouteResponse, RouteSpec } from './api-doc.ts';

export const ERROR_SCHEMA_NAME = 'Error';

/** `{ error: { code, message, ...details } }`; details vary by code, so extra keys are allowed. */
export const errorSchema = z.object({
  error: z.looseObject({
    code: z.string().describe('Stable machine-readable code, e.g. `validation_failed`'),
    message: z.string().describe('Human-readable explanation'),
  }),
});

/** An error response; pass {@link errorSchema} in a route's own responses too, it becomes a `$ref`. */
export function errorResponse(description: string): RouteResponse {
  return { description, schema: errorSchema };
}

const error = errorResponse;

/** The errors a route gives by its shape: input → 400, signed in → 401/402/403, body → 413; always 429, 500 and 503. */
export function standardErrors(spec: Pick<RouteSpec, 'auth' | 'body' | 'query' | 'params'>): Record<number, RouteResponse> {
  const out: Record<number, RouteResponse> = {};
  if (spec.body !== undefined || spec.query !== undefined || spec.params !== undefined) {
    out[400] = error('`validation_failed` (with `details: [{ path, message }]`) or `invalid_json`');
  }
  if (spec.auth !== 'none') {
    out[401] = error('`authentication_required`, `invalid_token`, `token_expired`, `token_revoked` or `api_key_invalid`');
    out[402] = error('`feature_not_in_plan`: signed in with an API key whose owner\'s plan no longer includes API keys');
    out[403] = error('`account_inactive`, `forbidden_role`, `insufficient_scope` or `session_required`');
  }
  if (spec.body !== undefined) {
    out[413] = error('`payload_too_large`');
    out[415] = error('`unsupported_media_type`: the body is not JSON, or not in UTF-8');
  }
  out[429] = error('`rate_limited`; `Retry-After` says when to retry');
  out[500] = error('`internal_error`');
  out[503] = error('`dependency_unavailable`: PostgreSQL or Redis does not answer for the moment (a restart, a failover); `Retry-After` says when to retry');
  return out;
}
