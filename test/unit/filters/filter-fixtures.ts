/** Messages and filter lists shared by the filter tests. */
import type { Attachment, AttachmentKind, NeutralMessage, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import { parseFilters } from '../../../src/forwarding/filters/validate-filters.ts';
import type { PairFilter } from '../../../src/forwarding/filters/filter-schema.ts';

/** 2024-03-05T07:08:00Z */
export const SENT_AT = Date.UTC(2024, 2, 5, 7, 8);

export function message(text: string, entities: TextEntity[] = [], overrides: Partial<NeutralMessage> = {}): NeutralMessage {
  return {
    platform: 'telegram',
    chatId: '-100123',
    messageId: '42',
    author: { id: 'u1', name: 'Ann' },
    text: { text, entities },
    attachments: [],
    at: SENT_AT,
    ...overrides,
  };
}

export function attachment(kind: AttachmentKind): Attachment {
  return { kind, url: `https://files.example/${kind}`, fileName: `${kind}.bin`, sizeBytes: 10 };
}

/** Filters as the runtime gets them: through the parser. */
export function filters(...raw: unknown[]): PairFilter[] {
  return parseFilters(raw);
}

/** The text an entity covers. */
export function covered(m: NeutralMessage, entity: TextEntity): string {
  return m.text.text.slice(entity.offset, entity.offset + entity.length);
}
