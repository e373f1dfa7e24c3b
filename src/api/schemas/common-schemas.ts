/** Response and parameter shapes the resource and admin routers share. */
import { z } from 'zod';

export const idParamsSchema = z.object({ id: z.uuid({ error: 'Must be a UUID' }) });

export const timestampSchema = z.iso.datetime({ offset: true });

/** `limit` / `offset` query of every list. */
export function pageQuery(maxLimit: number, defaultLimit: number) {
  return {
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit).describe(`Items per page, 1..${maxLimit}; default ${defaultLimit}`),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Items to skip; default 0'),
  };
}

/** `{ items, total, limit, offset }` around `item`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    limit: z.number().int().positive(),
    offset: z.number().int().nonnegative(),
  });
}

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null | undefined): string | null {
  return date === null || date === undefined ? null : date.toISOString();
}
