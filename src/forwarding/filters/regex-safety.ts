/**
 * A best-effort static guard against catastrophic backtracking. V8's regex
 * engine backtracks, and a user's pattern runs on every message of a pair, so
 * patterns of the classic exponential shape are refused when the filter is
 * saved: a group holding an unbounded quantifier (`*`, `+`, `{n,}`) that is
 * itself repeated a variable number of times, e.g. `(a+)+`, `(\w*\s?)*`,
 * `((ab)+c){2,}`.
 *
 * Best-effort both ways: it refuses some harmless patterns (`(ab+c)+` cannot
 * blow up, but looks the same) and misses other slow ones (`(a|a)+`, `(a|ab)*`,
 * polynomial `\s*\s*$`). The run-time budget of regex-budget.ts is the
 * backstop for what it misses.
 */
import { quantifierBounds, tokenize } from './regex-tokens.ts';

export interface UnsafePattern {
  /** 0-based offset of the outer quantifier. */
  position: number;
  reason: string;
}

/** The first nested-quantifier construct in `pattern`, or null when none is seen. */
export function findNestedQuantifier(pattern: string): UnsafePattern | null {
  const tokens = tokenize(pattern);
  // One frame per open group: does its content repeat without bound somewhere?
  const frames: boolean[] = [false];
  let closedGroupUnbounded: boolean | null = null;
  for (const token of tokens) {
    const justClosed = closedGroupUnbounded;
    closedGroupUnbounded = null;
    switch (token.type) {
      case 'groupOpen':
        frames.push(false);
        break;
      case 'groupClose':
        if (frames.length > 1) {
          closedGroupUnbounded = frames.pop() ?? false;
          frames[frames.length - 1] ||= closedGroupUnbounded;
        }
        break;
      case 'quantifier': {
        const { min, max } = quantifierBounds(pattern.slice(token.start, token.end));
        if (justClosed === true && max > 1 && max !== min) {
          return {
            position: token.start,
            reason: 'nested quantifier: a repeated group holding an unbounded quantifier can backtrack exponentially',
          };
        }
        if (max === Infinity) frames[frames.length - 1] = true;
        break;
      }
      default:
        break;
    }
  }
  return null;
}
