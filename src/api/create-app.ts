/**
 * The Express application of the HTTP API. Routes are mounted here one module
 * each, so the API grows by adding a router, not by editing the entry point.
 */
import express, { type Express } from 'express';
import { healthRouter, type HealthSources } from './routes/health.ts';

export interface AppDependencies {
  /** Storage facts `GET /v1/health` reports. */
  health: HealthSources;
}

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(deps.health));
  return app;
}
