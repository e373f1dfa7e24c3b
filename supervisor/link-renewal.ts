/**
 * At dispatch, a Discord-sourced message's attachment links that expire
 * within the hour (or have: the task waited a day in a backoff or behind a
 * paused destination) are renewed through the source account
 * (`refreshLinks`, Discord's refresh-urls), so the destination downloads a
 * working link instead of turning the file into a "name and size" line.
 * Renewal is a courtesy: when the source account is not running here, or
 * Discord refuses, the send goes with the links it has, and says so in the
 * log.
 */
import type { Logger } from 'pino';
import { linksToRenew } from '../src/forwarding/message/discord-link-expiry.ts';
import type { OutgoingMessage } from '../src/forwarding/message/outgoing-message.ts';
import { callRunningActor } from './running-worker.ts';
import type { Supervisor } from './supervisor.ts';

/** Renews links through a source account: fresh link by original. */
export type LinkRenewer = (accountId: string, urls: string[]) => Promise<Record<string, string>>;

/** Links expiring sooner than this are renewed: room for a large download, and for a retry or two. */
export const RENEW_MARGIN_MS = 60 * 60 * 1000;

export interface LinkRenewalCounts {
  renewed: number;
  failed: number;
}

/** A renewer that asks the source account's actor wherever this supervisor runs it. */
export function renewerOf(supervisor: Supervisor): LinkRenewer {
  return (accountId, urls) => callRunningActor(supervisor, accountId, 'its links cannot be renewed', (api) => api.refreshLinks(accountId, urls));
}

export class LinkRenewal {
  readonly counts: LinkRenewalCounts = { renewed: 0, failed: 0 };
  readonly #renew: LinkRenewer;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(renew: LinkRenewer, logger: Logger, now: () => number = Date.now) {
    this.#renew = renew;
    this.#log = logger;
    this.#now = now;
  }

  /** `message` with its expiring links renewed through `sourceAccount`; as it was when none expire or renewal fails. */
  async apply(sourceAccount: string, message: OutgoingMessage): Promise<OutgoingMessage> {
    const due = linksToRenew(message.attachments.map((a) => a.url), this.#now(), RENEW_MARGIN_MS);
    if (due.length === 0) return message;
    let fresh: Record<string, string>;
    try {
      fresh = await this.#renew(sourceAccount, due);
    } catch (err) {
      this.counts.failed += due.length;
      this.#log.warn({ err, accountId: sourceAccount, links: due.length }, 'could not renew expiring Discord attachment links; the send goes with the old ones');
      return message;
    }
    this.counts.renewed += Object.keys(fresh).length;
    return { ...message, attachments: message.attachments.map((a) => (fresh[a.url] === undefined ? a : { ...a, url: fresh[a.url]! })) };
  }
}
