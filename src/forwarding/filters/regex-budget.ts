/**
 * Runs users' regexes within a budget, the run-time half of the guard against
 * catastrophic backtracking (regex-safety.ts is the static half):
 *
 * - Length: a regex only sees the first {@link REGEX_INPUT_LIMIT} UTF-16 units
 *   of the text. Text beyond is neither matched nor edited by regex filters.
 * - Time: matching runs in a `node:vm` context with a `timeout`, which V8
 *   enforces by interrupting the regex engine itself, so a pathological
 *   pattern costs at most {@link REGEX_TIME_BUDGET_MS} per run instead of
 *   freezing the thread that forwards messages. The filter that ran out of
 *   time answers `'timeout'` and the caller decides (filters drop the message).
 *
 * One context serves the thread; each call pays about 0.2 ms for the watchdog.
 * Compiled regexes are cached inside the context.
 */
import vm from 'node:vm';

/** Code units of text a regex filter looks at. Telegram messages and captions are at most 4096. */
export const REGEX_INPUT_LIMIT = 4_096;
/** Milliseconds one regex run (a test, or all matches of a replace) may take. */
export const REGEX_TIME_BUDGET_MS = 50;

/** One match: its offset, `captures[0]` the matched text, then the groups. */
export interface RegexMatch {
  index: number;
  captures: Array<string | undefined>;
  groups: Record<string, string | undefined> | undefined;
}

// Runs inside the context; plain JS because it is compiled there, not by tsc.
const MATCHER_SOURCE = `
  const cache = new Map();
  function compile(source, flags) {
    const key = flags + '/' + source;
    let re = cache.get(key);
    if (re === undefined) {
      if (cache.size >= 256) cache.clear();
      re = new RegExp(source, flags);
      cache.set(key, re);
    }
    re.lastIndex = 0;
    return re;
  }
  globalThis.__test = (source, flags, input) => compile(source, flags).test(input);
  globalThis.__matches = (source, flags, input) => {
    const re = compile(source, flags + 'g');
    const unicode = flags.includes('u');
    const out = [];
    let m;
    while ((m = re.exec(input)) !== null) {
      out.push({ index: m.index, captures: Array.from(m), groups: m.groups ? { ...m.groups } : undefined });
      if (m[0] === '') {
        const c = input.codePointAt(re.lastIndex);
        re.lastIndex += unicode && c !== undefined && c > 0xffff ? 2 : 1;
      }
    }
    return out;
  };
`;

let context: vm.Context | null = null;
const runTest = new vm.Script('__test(__args[0], __args[1], __args[2])');
const runMatches = new vm.Script('__matches(__args[0], __args[1], __args[2])');

function matcherContext(): vm.Context {
  if (context === null) {
    context = vm.createContext(Object.create(null));
    new vm.Script(MATCHER_SOURCE).runInContext(context);
  }
  return context;
}

function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

function run<T>(script: vm.Script, args: [string, string, string]): T | 'timeout' {
  const ctx = matcherContext();
  ctx.__args = args;
  try {
    return script.runInContext(ctx, { timeout: REGEX_TIME_BUDGET_MS }) as T;
  } catch (error) {
    if (isTimeout(error)) return 'timeout';
    throw error;
  } finally {
    ctx.__args = undefined;
  }
}

/** `text` cut to {@link REGEX_INPUT_LIMIT}, never between the halves of a surrogate pair. */
export function regexInput(text: string): string {
  if (text.length <= REGEX_INPUT_LIMIT) return text;
  const last = text.charCodeAt(REGEX_INPUT_LIMIT - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? REGEX_INPUT_LIMIT - 1 : REGEX_INPUT_LIMIT);
}

/** Whether `pattern` matches in the first {@link REGEX_INPUT_LIMIT} units of `text`, or `'timeout'`. */
export function budgetedTest(pattern: string, flags: string, text: string): boolean | 'timeout' {
  return run<boolean>(runTest, [pattern, flags, regexInput(text)]);
}

/** Every match of `pattern` in the first {@link REGEX_INPUT_LIMIT} units of `text`, left to right, or `'timeout'`. */
export function budgetedMatches(pattern: string, flags: string, text: string): RegexMatch[] | 'timeout' {
  const found = run<RegexMatch[]>(runMatches, [pattern, flags, regexInput(text)]);
  if (found === 'timeout') return found;
  // Re-created in this realm, so callers' `Array.isArray` and deepEqual see ordinary values.
  return Array.from(found, (m) => ({
    index: m.index,
    captures: Array.from(m.captures),
    groups: m.groups === undefined ? undefined : { ...m.groups },
  }));
}
