/**
 * Parses the untrusted parts of a request against zod schemas. Routers call
 * these instead of reading `req.body` directly, so every refusal has the same
 * `validation_failed` shape and field paths.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationFailedError, type ValidationIssue } from '../../errors/registry.ts';
import { unstorableText } from './storable-text.ts';

/** zod's issues as `{ path, message }` with dotted paths (`filters.0.kind`). */
export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const unstorable = unstorableText(value);
  if (unstorable.length > 0) throw new ValidationFailedError({ details: unstorable });
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationFailedError({ details: issuesOf(result.error) });
  return result.data;
}

/** The JSON body; a missing body is parsed as `{}` so "field required" names the field. */
export function parseBody<T>(schema: z.ZodType<T>, req: Request): T {
  return parse(schema, req.body ?? {});
}

export function parseQuery<T>(schema: z.ZodType<T>, req: Request): T {
  return parse(schema, req.query);
}

export function parseParams<T>(schema: z.ZodType<T>, req: Request): T {
  return parse(schema, req.params);
}
