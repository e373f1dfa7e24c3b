/**
 * A lexer for JavaScript regex patterns, just precise enough for the two
 * static checks of user patterns (where an error is, whether quantifiers
 * nest). It never decides validity: `new RegExp` does. Tokens cover the whole
 * pattern, so cutting between two tokens never splits an escape, a group
 * opener like `(?<name>` or a `{n,m}` quantifier.
 */

export type TokenType = 'groupOpen' | 'groupClose' | 'classOpen' | 'classClose' | 'quantifier' | 'atom';

export interface RegexToken {
  type: TokenType;
  start: number;
  end: number;
}

/** A quantifier's repetition bounds; `max` is Infinity for `*`, `+`, `{n,}`. */
export interface QuantifierBounds {
  min: number;
  max: number;
}

const BRACE_QUANTIFIER = /^\{(\d+)(,(\d*))?\}\??/;
const GROUP_OPENER = /^\((?:\?(?:<=|<!|=|!|<[^>]*>|[a-zA-Z-]*:)?)?/;

/** Length of the escape starting at `i` (a backslash). */
function escapeLength(p: string, i: number): number {
  const next = p[i + 1];
  if (next === undefined) return 1;
  const rest = p.slice(i + 2);
  let m: RegExpExecArray | null;
  if (next === 'u') m = /^(?:\{[0-9a-fA-F]*\}|[0-9a-fA-F]{4})/.exec(rest);
  else if (next === 'x') m = /^[0-9a-fA-F]{2}/.exec(rest);
  else if (next === 'c') m = /^[a-zA-Z]/.exec(rest);
  else if (next === 'p' || next === 'P') m = /^\{[^}]*\}/.exec(rest);
  else if (next === 'k') m = /^<[^>]*>/.exec(rest);
  else if (/\d/.test(next)) m = /^\d*/.exec(rest);
  else return surrogatePair(p, i + 1) ? 3 : 2;
  return 2 + (m?.[0].length ?? 0);
}

function surrogatePair(p: string, i: number): boolean {
  const c = p.charCodeAt(i);
  const d = p.charCodeAt(i + 1);
  return c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
}

/** Splits `pattern` into tokens, tracking character classes (no `v`-flag nesting). */
export function tokenize(pattern: string): RegexToken[] {
  const tokens: RegexToken[] = [];
  let inClass = false;
  let i = 0;
  const push = (type: TokenType, length: number) => {
    tokens.push({ type, start: i, end: i + length });
    i += length;
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') push('atom', escapeLength(pattern, i));
    else if (inClass) {
      if (c === ']') {
        inClass = false;
        push('classClose', 1);
      } else push('atom', surrogatePair(pattern, i) ? 2 : 1);
    } else if (c === '[') {
      inClass = true;
      push('classOpen', pattern[i + 1] === '^' ? 2 : 1);
    } else if (c === '(') push('groupOpen', GROUP_OPENER.exec(pattern.slice(i))?.[0].length ?? 1);
    else if (c === ')') push('groupClose', 1);
    else if (c === '*' || c === '+' || c === '?') push('quantifier', pattern[i + 1] === '?' ? 2 : 1);
    else if (c === '{' && BRACE_QUANTIFIER.test(pattern.slice(i))) push('quantifier', BRACE_QUANTIFIER.exec(pattern.slice(i))?.[0].length ?? 1);
    else push('atom', surrogatePair(pattern, i) ? 2 : 1);
  }
  return tokens;
}

/** Bounds of a quantifier token's text (`*`, `+?`, `{2,5}`...). */
export function quantifierBounds(text: string): QuantifierBounds {
  if (text.startsWith('*')) return { min: 0, max: Infinity };
  if (text.startsWith('+')) return { min: 1, max: Infinity };
  if (text.startsWith('?')) return { min: 0, max: 1 };
  const m = BRACE_QUANTIFIER.exec(text);
  const min = Number(m?.[1] ?? 0);
  if (m?.[2] === undefined) return { min, max: min };
  return { min, max: m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]) };
}
