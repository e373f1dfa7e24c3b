/**
 * Who is calling. `authenticate(ctx)` accepts `Authorization: Bearer <access
 * JWT>`, `Authorization: Bearer sb_...` or `X-Api-Key: sb_...`, and sets
 * `req.auth`. Access tokens are checked against the database as well as
 * their signature: the user must still be active, the token must postdate
 * `users.tokens_not_before` (sign out everywhere, password change), and its
 * session must not be revoked, so a stolen token dies with its session
 * instead of living out its 15 minutes. The role comes from the database,
 * not the token, so a demotion applies at once.
 */
import type { Request, RequestHandler } from 'express';
import { User, type UserRole } from '../../db/entities/user.ts';
import {
  AccountInactiveError, AuthenticationRequiredError, ForbiddenRoleError, InsufficientScopeError, SessionRequiredError,
  TokenRevokedError,
} from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { API_KEY_MARK } from './api-key-codec.ts';
import { authenticateApiKey } from './api-key-auth.ts';
import { loadPrincipal } from './load-principal.ts';
import { rememberPlan } from './user-plan.ts';

/** API key scopes; an access token (a person signed in) has them all. */
export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface AuthContext {
  userId: string;
  /** Current role, read from the database on every request. */
  role: UserRole;
  via: 'access_token' | 'api_key';
  /** The sign-in (refresh-token family) an access token belongs to. */
  sessionId?: string;
  apiKeyId?: string;
  /** Scopes of the API key; absent for access tokens. */
  scopes?: string[];
  /** The admin acting as this user, when impersonating. */
  impersonatorId?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `authenticate`; absent on anonymous routes. */
      auth?: AuthContext;
    }
  }
}

/** `req.auth` of a route behind `authenticate`; throws `authentication_required` if it is missing. */
export function authOf(req: Request): AuthContext {
  if (req.auth === undefined) throw new AuthenticationRequiredError({});
  return req.auth;
}

type Credential = { kind: 'jwt' | 'api_key'; value: string } | null;

function credentialOf(req: Request): Credential {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match === null) return null;
    const token = match[1] as string;
    return { kind: token.startsWith(API_KEY_MARK) ? 'api_key' : 'jwt', value: token };
  }
  const apiKey = req.get('x-api-key');
  return apiKey === undefined ? null : { kind: 'api_key', value: apiKey.trim() };
}

async function authenticateAccessToken(ctx: ApiContext, req: Request, token: string): Promise<AuthContext> {
  const claims = ctx.accessTokens.verify(token);
  const user = await loadPrincipal(ctx, claims.userId, claims.sessionId ?? null);
  if (user === null) throw new TokenRevokedError({});
  if (user.status !== 'active') throw new AccountInactiveError({ status: user.status });
  const notBefore = user.tokensNotBefore?.getTime();
  if (notBefore !== undefined && claims.issuedAtMs < notBefore) throw new TokenRevokedError({});
  if (claims.sessionId !== undefined && user.sessionLive !== true) throw new TokenRevokedError({});
  if (claims.impersonatorId !== undefined) {
    const admin = await ctx.orm.em.fork().findOne(User, { id: claims.impersonatorId }, { fields: ['id', 'role', 'status'] });
    if (admin === null || admin.role !== 'admin' || admin.status !== 'active') throw new TokenRevokedError({});
  }
  // The plan came with the user: the rate limiter and the route need not ask again.
  rememberPlan(req, user.plan);
  return {
    userId: user.id,
    role: user.role,
    via: 'access_token',
    ...(claims.sessionId !== undefined ? { sessionId: claims.sessionId } : {}),
    ...(claims.impersonatorId !== undefined ? { impersonatorId: claims.impersonatorId } : {}),
  };
}

export function authenticate(ctx: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const credential = credentialOf(req);
    try {
      if (credential === null) throw new AuthenticationRequiredError({});
      req.auth = credential.kind === 'jwt'
        ? await authenticateAccessToken(ctx, req, credential.value)
        : await authenticateApiKey(ctx, ctx.orm.em.fork(), credential.value);
    } catch (err) {
      // RFC 6750: a 401 names the scheme the client should use.
      if ((err as { status?: number }).status === 401) res.set('WWW-Authenticate', 'Bearer realm="switchboard"');
      throw err;
    }
    next();
  };
}

/** Only these roles pass (403 `forbidden_role`). Mount after `authenticate`. */
export function requireRole(...roles: UserRole[]): RequestHandler {
  return (req, _res, next) => {
    const auth = authOf(req);
    if (!roles.includes(auth.role)) throw new ForbiddenRoleError({ role: auth.role, required: roles });
    next();
  };
}

/** API keys need `scope` (403 `insufficient_scope`); access tokens always pass. */
export function requireScope(scope: ApiKeyScope): RequestHandler {
  return (req, _res, next) => {
    const auth = authOf(req);
    if (auth.via === 'api_key' && !(auth.scopes ?? []).includes(scope)) throw new InsufficientScopeError({ scope });
    next();
  };
}

/** Refuses API keys (403 `session_required`): for managing credentials, keys and sessions. */
export function requireSession(): RequestHandler {
  return (req, _res, next) => {
    if (authOf(req).via !== 'access_token') throw new SessionRequiredError({});
    next();
  };
}
