/** Every `/v1/auth/*` router, in mounting order. */
import type { Router } from 'express';
import type { ApiContext } from '../../api-context.ts';
import { loginRouter } from './login.ts';
import { passwordRouter } from './password.ts';
import { registerRouter } from './register.ts';
import { sessionsRouter } from './sessions.ts';
import { tokensRouter } from './tokens.ts';
import { totpRouter } from './totp.ts';
import { whoamiRouter } from './whoami.ts';

export function authRouters(ctx: ApiContext): Router[] {
  return [registerRouter(ctx), loginRouter(ctx), tokensRouter(ctx), passwordRouter(ctx), totpRouter(ctx), sessionsRouter(ctx), whoamiRouter(ctx)];
}
