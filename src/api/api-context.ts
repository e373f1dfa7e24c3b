/**
 * Everything a router needs, built once per process and handed to every
 * router factory, so routes never reach for globals and tests can build one
 * around their own database schema, Redis prefix, mail folder and clock.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/load-config.ts';
import { keyringFromConfig, type Keyring } from '../crypto/keyring.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { CheckoutLinks } from './billing/checkout-links.ts';
import { apiSecret } from './auth/derived-secrets.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { ApiDoc } from './openapi/api-doc.ts';
import { redisRuntimeNotifier, type RuntimeNotifier } from './runtime-notifier.ts';
import { telegramEndpointFromConfig } from './telegram-login/login-endpoint.ts';
import { parseTelegramLoginOptions, type TelegramLoginOptions } from './telegram-login/login-options.ts';
import { createTelegramLogin, type TelegramLogin } from './telegram-login/login-runner.ts';

export type { RuntimeChange, RuntimeNotifier } from './runtime-notifier.ts';

export interface ApiContext {
  /** The ORM; fork `orm.em` per request (the global context is disabled). */
  orm: MikroORM;
  /** Shared client; its keys are prefixed with REDIS_KEY_PREFIX already. */
  redis: Redis;
  config: Config;
  /** The `api` component logger. */
  logger: Logger;
  /** Seals secrets at rest (TOTP secrets, later session strings). */
  keyring: Keyring;
  accessTokens: AccessTokens;
  /** Signs the links that start a Stripe checkout when followed (see billing/checkout-links.ts). */
  checkoutLinks: CheckoutLinks;
  mailer: Mailer;
  /** Routers describe their routes here; served at `GET /v1/openapi.json`. */
  doc: ApiDoc;
  /** Tells the runtime about changes to what it runs. */
  runtime: RuntimeNotifier;
  /** Runs Telegram login steps (gramjs, on a thread pool); close it at shutdown. */
  telegramLogin: TelegramLogin;
  /** The clock every expiry and token uses, in epoch milliseconds. */
  now(): number;
}

export interface ApiContextOptions {
  orm: MikroORM;
  redis: Redis;
  config: Config;
  logger: Logger;
  /** Default: from SECRET_KEYS (or the development key outside production). */
  keyring?: Keyring;
  /** Default: the MAIL_TRANSPORT one. */
  mailer?: Mailer;
  /** Default: publishes on `<REDIS_KEY_PREFIX>runtime:changes`. */
  runtime?: RuntimeNotifier;
  /** Thread pool and time limits of Telegram logins. Default: see TelegramLoginOptions. */
  telegramLogin?: TelegramLoginOptions;
  /** Default `Date.now`. */
  now?: () => number;
}

export function createApiContext(options: ApiContextOptions): ApiContext {
  const { config } = options;
  const keyring = options.keyring ?? keyringFromConfig(config, options.logger);
  const now = options.now ?? Date.now;
  const telegramLogin = createTelegramLogin(
    telegramEndpointFromConfig(config),
    parseTelegramLoginOptions(options.telegramLogin),
    options.logger,
  );
  return {
    orm: options.orm,
    redis: options.redis,
    config,
    logger: options.logger,
    keyring,
    accessTokens: new AccessTokens({
      secret: apiSecret('JWT_SECRET', config, keyring),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL,
      now,
    }),
    checkoutLinks: new CheckoutLinks({ secret: apiSecret('JWT_SECRET', config, keyring), issuer: config.JWT_ISSUER, now }),
    mailer: options.mailer ?? createMailer(config),
    doc: new ApiDoc({ servers: [{ url: config.PUBLIC_URL, description: 'This deployment (PUBLIC_URL)' }] }),
    runtime: options.runtime ?? redisRuntimeNotifier(options.redis, config.REDIS_KEY_PREFIX),
    telegramLogin,
    now,
  };
}
