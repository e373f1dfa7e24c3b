/**
 * Who is on the other end of a sign-in, as far as the request tells: the
 * address (through the proxies TRUST_PROXY allows), the user agent (cut to a
 * sane length, it is stored) and a short device label for the sessions list.
 */
import type { Request } from 'express';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  /** e.g. `Firefox on Linux`; null when the agent says nothing recognisable. */
  device: string | null;
}

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/Edg\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\//, 'Firefox'], [/Chrome\//, 'Chrome'], [/Safari\//, 'Safari'],
  [/curl\//i, 'curl'], [/python-requests|aiohttp|httpx/i, 'Python'], [/node|undici|axios/i, 'Node.js'],
];
const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/Android/, 'Android'], [/iPhone|iPad|iOS/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

export function deviceLabel(userAgent: string | null): string | null {
  if (userAgent === null) return null;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser !== undefined && system !== undefined) return `${browser} on ${system}`;
  return browser ?? system ?? null;
}

export function clientInfo(req: Request): ClientInfo {
  const agent = req.get('user-agent')?.slice(0, 512) ?? '';
  const userAgent = agent === '' ? null : agent;
  return { ip: req.ip ?? null, userAgent, device: deviceLabel(userAgent) };
}
