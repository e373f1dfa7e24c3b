/**
 * Short-lived access tokens: JWTs signed with HS256 and nothing else.
 *
 * Why HS256: the API processes are the only issuers and the only verifiers,
 * so a shared 256-bit secret (JWT_SECRET) is enough and there is no public key
 * to hand out. The algorithm is pinned on both sides: `alg: none`, RS/ES/PS
 * tokens (the "public key used as HMAC secret" confusion) and even HS384/512
 * are refused, and the secret is a `secret` KeyObject, so jsonwebtoken also
 * refuses it for any asymmetric algorithm.
 *
 * Claims: `sub` user, `role`, `typ: "access"` (the header carries RFC 9068's
 * `at+jwt` too), `sid` the session (refresh-token family), `act.sub` the
 * admin impersonating (RFC 8693), `jti`, `iss`, `aud`, `iat`, `nbf`, `exp`.
 * `iat` keeps milliseconds (a NumericDate may be fractional) so "sign out
 * everywhere" can refuse tokens issued earlier in the same second.
 */
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { USER_ROLES, type UserRole } from '../../db/entities/user.ts';
import { InvalidTokenError, TokenExpiredError } from '../../errors/registry.ts';

/** The only algorithm issued and accepted. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
/** The `typ` claim of an access token; any other value is refused. */
export const ACCESS_TOKEN_TYPE = 'access';
/** The JOSE header `typ` of an access token (RFC 9068). */
export const ACCESS_TOKEN_HEADER_TYPE = 'at+jwt';

export interface AccessTokenOptions {
  /** HMAC key, at least 32 bytes. */
  secret: Buffer;
  /** `iss` issued and required. */
  issuer: string;
  /** `aud` issued and required. */
  audience: string;
  /** Lifetime in seconds. */
  ttlSeconds: number;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

export interface IssueClaims {
  userId: string;
  role: UserRole;
  /** The refresh-token family (session) this token belongs to; absent for tokens outside a session. */
  sessionId?: string;
  /** Id of the admin acting as this user. */
  impersonatorId?: string;
}

export interface AccessClaims extends IssueClaims {
  tokenId: string;
  /** `iat` in epoch milliseconds. */
  issuedAtMs: number;
  /** `exp` in epoch milliseconds. */
  expiresAtMs: number;
}

interface Payload {
  sub?: unknown;
  role?: unknown;
  typ?: unknown;
  sid?: unknown;
  act?: { sub?: unknown };
  jti?: unknown;
  iat?: unknown;
  exp?: unknown;
}

export class AccessTokens {
  readonly #key: KeyObject;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #now: () => number;
  /** Lifetime in seconds; what `expiresIn` answers with. */
  readonly ttlSeconds: number;

  constructor(options: AccessTokenOptions) {
    if (options.secret.length < 32) throw new TypeError('AccessTokens: the secret must be at least 32 bytes');
    this.#key = createSecretKey(options.secret);
    this.#issuer = options.issuer;
    this.#audience = options.audience;
    this.ttlSeconds = options.ttlSeconds;
    this.#now = options.now ?? Date.now;
  }

  issue(claims: IssueClaims): string {
    const iat = this.#now() / 1000;
    const payload: Record<string, unknown> = {
      sub: claims.userId,
      role: claims.role,
      typ: ACCESS_TOKEN_TYPE,
      jti: randomUUID(),
      iat,
      nbf: iat,
      exp: iat + this.ttlSeconds,
    };
    if (claims.sessionId !== undefined) payload.sid = claims.sessionId;
    if (claims.impersonatorId !== undefined) payload.act = { sub: claims.impersonatorId };
    return jwt.sign(payload, this.#key, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      issuer: this.#issuer,
      audience: this.#audience,
      header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_HEADER_TYPE },
    });
  }

  /** The claims of a valid access token; throws `invalid_token` or `token_expired`. */
  verify(token: string): AccessClaims {
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, this.#key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.#issuer,
        audience: this.#audience,
        clockTimestamp: this.#now() / 1000,
        complete: true,
      });
    } catch (err) {
      throw translate(err);
    }
    if (decoded.header.typ !== ACCESS_TOKEN_HEADER_TYPE) throw new InvalidTokenError({ reason: 'not an access token' });
    return claimsOf(decoded.payload as Payload);
  }
}

function claimsOf(p: Payload): AccessClaims {
  if (p.typ !== ACCESS_TOKEN_TYPE) throw new InvalidTokenError({ reason: 'not an access token' });
  const role = USER_ROLES.find((r) => r === p.role);
  if (typeof p.sub !== 'string' || role === undefined || typeof p.jti !== 'string'
    || typeof p.iat !== 'number' || typeof p.exp !== 'number'
    || (p.sid !== undefined && typeof p.sid !== 'string')
    || (p.act !== undefined && typeof p.act?.sub !== 'string')) {
    throw new InvalidTokenError({ reason: 'claims missing or malformed' });
  }
  return {
    userId: p.sub,
    role,
    tokenId: p.jti,
    issuedAtMs: p.iat * 1000,
    expiresAtMs: p.exp * 1000,
    ...(typeof p.sid === 'string' ? { sessionId: p.sid } : {}),
    ...(typeof p.act?.sub === 'string' ? { impersonatorId: p.act.sub } : {}),
  };
}

/** jsonwebtoken's messages name expected values; clients get a fixed reason instead. */
function translate(err: unknown): Error {
  if (err instanceof jwt.TokenExpiredError) return new TokenExpiredError({});
  if (err instanceof jwt.NotBeforeError) return new InvalidTokenError({ reason: 'not valid yet' });
  const message = err instanceof Error ? err.message : '';
  const reason =
    message.includes('audience') ? 'wrong audience'
      : message.includes('issuer') ? 'wrong issuer'
        : message.includes('algorithm') || message.includes('signature is required') ? 'algorithm not allowed'
          : message.includes('signature') ? 'bad signature'
            : 'malformed';
  return new InvalidTokenError({ reason });
}
