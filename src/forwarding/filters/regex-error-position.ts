/**
 * Where in a pattern `new RegExp` failed. V8's messages name the problem
 * ("Unterminated group") but not its position, so the position is found by
 * compiling prefixes:
 *
 * 1. The pattern is cut into tokens (regex-tokens.ts), so a prefix never ends
 *    inside an escape, a `(?<name>` opener or a `{n,m}` quantifier.
 * 2. Each prefix is closed: `]` if it ends inside a character class, then one
 *    `)` per open group. A closed prefix of a pattern whose error lies further
 *    on compiles; the first token whose closed prefix fails with the same
 *    reason as the whole pattern is the culprit, and its start is the position.
 *    (Same reason, because a closed prefix can fail for a reason the whole
 *    pattern does not have, e.g. a `\k<name>` whose group comes later.)
 * 3. Otherwise the pattern lacks a closer when a `(` or `[` is still open at
 *    the end, and the position is the innermost one; failing that, the first
 *    prefix that failed at all, or the end of the pattern.
 *
 * Positions are UTF-16 offsets into the pattern, 0-based.
 */
import { tokenize } from './regex-tokens.ts';

export interface RegexProblem {
  /** 0-based UTF-16 offset of the offending token in the pattern. */
  position: number;
  /** V8's description, without the "Invalid regular expression: /…/: " prefix. */
  reason: string;
}

/** The reason `new RegExp(pattern, flags)` throws, or null when it compiles. */
export function compileError(pattern: string, flags: string): string | null {
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The message is "Invalid regular expression: /<pattern>/<flags>: <reason>"; reasons hold no ": ".
    const cut = message.lastIndexOf(': ');
    return cut === -1 ? message : message.slice(cut + 2);
  }
}

/** Where and why `pattern` fails to compile with `flags`, or null when it compiles. */
export function locateRegexError(pattern: string, flags: string): RegexProblem | null {
  const reason = compileError(pattern, flags);
  if (reason === null) return null;
  const open: Array<{ type: 'group' | 'class'; start: number }> = [];
  let firstFailure: number | null = null;
  for (const token of tokenize(pattern)) {
    if (token.type === 'groupOpen') open.push({ type: 'group', start: token.start });
    else if (token.type === 'classOpen') open.push({ type: 'class', start: token.start });
    else if (token.type === 'classClose' && open.at(-1)?.type === 'class') open.pop();
    // A stray `)` has no opener to pop; the prefix that ends with it fails and names it.
    else if (token.type === 'groupClose' && open.at(-1)?.type === 'group') open.pop();
    const closers = open.map((o) => (o.type === 'class' ? ']' : ')')).reverse().join('');
    const prefixReason = compileError(pattern.slice(0, token.end) + closers, flags);
    if (prefixReason === null) continue;
    if (prefixReason === reason) return { position: token.start, reason };
    firstFailure ??= token.start;
  }
  const innermost = open.at(-1);
  if (innermost !== undefined) return { position: innermost.start, reason };
  return { position: firstFailure ?? pattern.length, reason };
}
