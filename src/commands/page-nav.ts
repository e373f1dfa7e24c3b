/**
 * Long lists (`/pairs`, `/users`) answer one page at a time, with buttons to
 * the pages before and after: Telegram inline buttons (callback data),
 * Discord buttons (custom ids). A button carries the list, the page and the
 * list's argument (the `/users` search) in its data, `pg:users:2:ann`, so
 * a press needs nothing remembered. Telegram keeps callback data to 64
 * bytes (Discord custom ids to 100): a search too long for that gets no
 * buttons, and the reply says to narrow it. Pure.
 */
import type { RichText } from '../forwarding/message/neutral-message.ts';

export type PagedList = 'pairs' | 'users';

/** Where a reply sits in its list. Pages count from 0. */
export interface PageNav {
  list: PagedList;
  page: number;
  pages: number;
  arg: string;
}

/** A reply, and where it sits when it is one page of a list. */
export interface BotReply extends RichText {
  nav?: PageNav;
}

export interface PageButton {
  label: string;
  data: string;
}

/** Lines per page. */
export const PAGE_SIZE = 10;
/** Telegram's limit on callback data, in bytes (Discord allows 100 characters). */
export const MAX_BUTTON_DATA = 64;

const PREFIX = 'pg';
const LISTS: ReadonlySet<string> = new Set<PagedList>(['pairs', 'users']);

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** `page` within the list's pages (a list that shrank since the button was made shows its last page). */
export function clampPage(page: number, total: number): number {
  return Math.min(Math.max(0, page), pageCount(total) - 1);
}

function dataFor(nav: PageNav, page: number): string {
  return `${PREFIX}:${nav.list}:${page}:${nav.arg}`;
}

/** Whether the buttons of `nav` fit the platforms' limits. */
export function pageButtonsFit(nav: PageNav): boolean {
  return Buffer.byteLength(dataFor(nav, Math.max(0, nav.pages - 1))) <= MAX_BUTTON_DATA;
}

/** "◀ 1" and "3 ▶" around page 2 of 3; none for a one-page list, or when they would not fit. */
export function pageButtons(nav: PageNav): PageButton[] {
  if (nav.pages <= 1 || !pageButtonsFit(nav)) return [];
  const buttons: PageButton[] = [];
  if (nav.page > 0) buttons.push({ label: `◀ ${nav.page}`, data: dataFor(nav, nav.page - 1) });
  if (nav.page < nav.pages - 1) buttons.push({ label: `${nav.page + 2} ▶`, data: dataFor(nav, nav.page + 1) });
  return buttons;
}

/** What a button's data asks for; null for data that is not a page button's. */
export function readPageData(data: string): { list: PagedList; page: number; arg: string } | null {
  const match = /^pg:([a-z]+):(\d{1,6}):([\s\S]*)$/.exec(data);
  if (match === null || !LISTS.has(match[1]!)) return null;
  return { list: match[1] as PagedList, page: Number(match[2]), arg: match[3]! };
}
