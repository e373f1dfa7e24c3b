/**
 * The demo talks to the service only through its public API, as a user
 * would: register, confirm the mailed link, sign in, link accounts, make
 * pairs. Any answer but the expected one stops the demo with what it said.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class DemoApi {
  readonly baseUrl: string;
  readonly mailDir: string;

  constructor(baseUrl: string, mailDir: string) {
    this.baseUrl = baseUrl;
    this.mailDir = mailDir;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo: ${method} ${path} answered ${res.status}: ${text}`);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  /** Registers `email`, follows the confirmation link from the mail, signs in; returns the access token. */
  async signUp(email: string, password: string): Promise<string> {
    await this.call('POST', '/v1/auth/register', { email, password });
    const token = this.#mailedToken(email);
    await this.call('POST', '/v1/auth/verify-email', { token });
    return (await this.call<{ accessToken: string }>('POST', '/v1/auth/login', { email, password })).accessToken;
  }

  #mailedToken(to: string): string {
    const mails = readdirSync(this.mailDir).filter((f) => f.endsWith('.json')).sort()
      .map((f) => JSON.parse(readFileSync(join(this.mailDir, f), 'utf8')) as { to: string; text: string })
      .filter((m) => m.to === to);
    const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(mails.at(-1)?.text ?? '')?.[1];
    if (token === undefined) throw new Error(`demo: no confirmation mail for ${to} in ${this.mailDir}`);
    return token;
  }
}

/** Waits until `GET /v1/health` answers, or the timeout. */
export async function waitForApi(baseUrl: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive()) throw new Error('demo: the service exited while starting (see its output above)');
    try {
      if ((await fetch(`${baseUrl}/v1/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`demo: the service did not answer ${baseUrl}/v1/health within ${timeoutMs} ms`);
}
