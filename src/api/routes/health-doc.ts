/** The answer of `GET /v1/health` (routes/health.ts) for the OpenAPI document. */
import { z } from 'zod';

export const healthBodySchema = z.object({
  status: z.literal('ok'),
  database: z.enum(['external', 'embedded']),
  redis: z.enum(['external', 'embedded', 'stand-in']),
  redisPersistence: z.object({
    status: z.enum(['safe', 'unsafe', 'unknown', 'off']),
    problems: z.array(z.string()),
  }).optional(),
  uptimeSeconds: z.number().int().nonnegative(),
});
