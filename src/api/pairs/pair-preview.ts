/**
 * The dry run of `POST /v1/pairs/{id}/preview`: a sample message, built as
 * the pair's source would deliver it, through the pair's stored filters with
 * the same engine forwarding uses. Nothing is sent and nothing is stored.
 */
import { z } from 'zod';
import type { IForwardingPair } from '../../db/entities/forwarding-pair.ts';
import { ATTACHMENT_KINDS } from '../../forwarding/filters/filter-schema.ts';
import { previewPair, type PairPreview } from '../../forwarding/filters/preview.ts';
import { parseFilters } from '../../forwarding/filters/validate-filters.ts';
import { plainText, type NeutralMessage } from '../../forwarding/message/neutral-message.ts';

export const previewRequestSchema = z.strictObject({
  text: z.string().max(10_000).default('').describe('The sample message\'s text; default empty'),
  attachments: z.array(z.strictObject({
    kind: z.enum(ATTACHMENT_KINDS),
    fileName: z.string().min(1).max(255).optional(),
    sizeBytes: z.number().int().min(0).optional(),
    contentType: z.string().min(1).max(100).optional(),
  })).max(10).default([]).describe('Attachments the sample carries (only their kinds and names matter to filters)'),
  author: z.strictObject({ id: z.string().min(1).max(64).optional(), name: z.string().min(1).max(100).optional() }).optional(),
});

export type PreviewRequest = z.infer<typeof previewRequestSchema>;

export const previewResponseSchema = z.object({
  pairId: z.uuid(),
  outcome: z.union([
    z.object({
      action: z.literal('forward'),
      message: z.looseObject({ text: z.looseObject({ text: z.string() }), attachments: z.array(z.looseObject({ kind: z.string() })) })
        .describe('The message as it would be delivered'),
      applied: z.array(z.string()).describe('`kind#index` of each filter that changed it'),
    }),
    z.object({
      action: z.literal('drop'),
      reason: z.string().describe('e.g. `keyword_not_matched`, `media_type_not_allowed`'),
      filterIndex: z.number().int().describe('Position of the dropping filter in the pair\'s list'),
      kind: z.string(),
    }),
  ]),
  steps: z.array(z.looseObject({ index: z.number().int(), kind: z.string(), result: z.string() }))
    .describe('Each filter in running order: kept, changed, dropped or not_reached, with the text before and after'),
});

export function runPreview(pair: IForwardingPair, sample: PreviewRequest, now: number): { pairId: string } & PairPreview {
  const message: NeutralMessage = {
    platform: pair.sourcePlatform,
    chatId: pair.sourceChatId,
    messageId: 'preview',
    author: { id: sample.author?.id ?? 'preview-author', name: sample.author?.name ?? 'Preview' },
    text: plainText(sample.text),
    attachments: sample.attachments.map((a, i) => {
      const fileName = a.fileName ?? `${a.kind}-${i + 1}`;
      return {
        kind: a.kind,
        url: `https://preview.invalid/${encodeURIComponent(fileName)}`,
        fileName,
        sizeBytes: a.sizeBytes ?? 0,
        ...(a.contentType === undefined ? {} : { contentType: a.contentType }),
      };
    }),
    at: now,
  };
  const { outcome, steps } = previewPair(message, parseFilters(pair.filters), { now });
  return { pairId: pair.id, outcome, steps };
}
