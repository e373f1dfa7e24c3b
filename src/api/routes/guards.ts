/**
 * The middleware in front of every resource and admin route, in order:
 * who is calling, (admins only), the per-plan rate limit, the per-period API
 * call quota, and the API key scope. Mounted per route rather than per
 * router, so an unknown path still answers 404 instead of 401.
 */
import type { RequestHandler } from 'express';
import type { ApiContext } from '../api-context.ts';
import { authenticate, requireRole, requireScope, type ApiKeyScope } from '../auth/authenticate.ts';
import { rateLimitByPlan } from '../rate-limit/plan-rate-limit.ts';
import { countApiCalls } from '../usage/api-call-counter.ts';

export interface Guards {
  /** Any signed-in user; `read` routes need the `read` scope of an API key, others `write`. */
  user(scope: ApiKeyScope): RequestHandler[];
  /** Admins only. */
  admin(scope: ApiKeyScope): RequestHandler[];
}

export function guards(ctx: ApiContext): Guards {
  const signedIn = authenticate(ctx);
  const limited = rateLimitByPlan(ctx);
  const counted = countApiCalls(ctx);
  const admin = requireRole('admin');
  return {
    user: (scope) => [signedIn, limited, counted, requireScope(scope)],
    admin: (scope) => [signedIn, admin, limited, counted, requireScope(scope)],
  };
}
