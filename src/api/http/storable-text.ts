/**
 * Text no store downstream takes: PostgreSQL refuses a NUL in `text` and
 * `jsonb` (the insert fails, the client would see a 500), and a lone UTF-16
 * surrogate has no UTF-8 form (Node writes U+FFFD instead, silently storing
 * something else than was sent). Both are refused at validation, anywhere in
 * a body, query or path, keys included, so no route has to remember. Pure.
 */
import type { ValidationIssue } from '../../errors/registry.ts';

/** Deeper than any body we accept; a body nested past it is refused rather than walked. */
const MAX_DEPTH = 64;

function problemOf(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters (\\u0000)';
  if (!text.isWellFormed()) return 'must be valid Unicode (a lone surrogate cannot be stored)';
  return null;
}

/** Every string (and key) in `value` that cannot be stored, by dotted path. */
export function unstorableText(value: unknown, path: string[] = []): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const visit = (v: unknown, at: string[]): void => {
    if (issues.length >= 10) return;
    if (typeof v === 'string') {
      const problem = problemOf(v);
      if (problem !== null) issues.push({ path: at.join('.'), message: problem });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (at.length - path.length >= MAX_DEPTH) {
      issues.push({ path: at.join('.'), message: `is nested deeper than ${MAX_DEPTH} levels` });
      return;
    }
    for (const [key, child] of Object.entries(v)) {
      const problem = problemOf(key);
      if (problem !== null) issues.push({ path: [...at, key.replace(/[^\x20-\x7e]/gu, '?')].join('.'), message: `key ${problem}` });
      else visit(child, [...at, key]);
    }
  };
  visit(value, path);
  return issues;
}
