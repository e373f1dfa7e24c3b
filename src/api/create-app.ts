/**
 * The Express application of the HTTP API. Routes are mounted here one module
 * each, so the API grows by adding a router, not by editing the entry point.
 * Without an {@link ApiContext} only the health route is served (the shape
 * the process tests start with); with one, the whole API.
 */
import express, { type Express } from 'express';
import pino from 'pino';
import type { ApiContext } from './api-context.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { requestId } from './http/request-id.ts';
import { securityHeaders } from './http/security-headers.ts';
import { apiKeysRouter } from './routes/api-keys.ts';
import { billingWebhooksRouter } from './routes/billing-webhooks.ts';
import { authRouters } from './routes/auth/index.ts';
import { healthRouter, type HealthSources } from './routes/health.ts';
import type { ApiRequestMetrics } from './http/request-metrics.ts';
import { dashboardRouter } from './routes/dashboard.ts';
import { docsRouter } from './routes/docs.ts';
import { openApiRouter } from './routes/openapi.ts';
import { readinessRouter } from './routes/readiness.ts';
import { resourceRouters } from './routes/resource-routers.ts';

export interface AppDependencies {
  /** Storage facts `GET /v1/health` reports. */
  health: HealthSources;
  /** Everything the API routes need. Default: none, which serves the health route only. */
  ctx?: ApiContext;
  /** Counts every request for Prometheus. Default: none. */
  metrics?: ApiRequestMetrics;
}

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.metrics !== undefined) app.use(deps.metrics.middleware);
  app.use(requestId, securityHeaders);
  app.use(healthRouter(deps.health));
  const { ctx } = deps;
  if (ctx !== undefined) {
    // Client addresses feed the per-address rate limits: only believe the proxies configured.
    app.set('trust proxy', ctx.config.TRUST_PROXY === 'false' ? false : ctx.config.TRUST_PROXY);
    // Webhooks are signed over their raw bytes: they read their own body, before the JSON parser could.
    app.use(billingWebhooksRouter(ctx));
    app.use(express.json({ limit: ctx.config.API_BODY_LIMIT_KB * 1024 }));
    app.use(openApiRouter(ctx));
    app.use(readinessRouter(ctx));
    app.use(docsRouter());
    app.use(dashboardRouter());
    app.use(...authRouters(ctx));
    app.use(apiKeysRouter(ctx));
    app.use(...resourceRouters(ctx));
  }
  app.use(notFoundHandler);
  app.use(errorHandler(ctx?.logger ?? pino({ level: 'error' })));
  return app;
}
