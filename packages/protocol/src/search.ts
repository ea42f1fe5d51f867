/**
 * Search of my own history: messages of the conversations I currently belong to,
 * matched as case-insensitive substrings (so partial words and Chinese, Japanese and
 * Korean text work without word boundaries), newest first, keyset-paged.
 *
 * The query is split on whitespace into terms; a message matches when every term occurs
 * in its body, its title or one of its attachments' file names. Highlighting is data,
 * never markup: a hit carries a snippet and the ranges in it that matched, and the
 * client renders them as text.
 */
import { z } from 'zod';
import { ConversationIdSchema, MessageSchema, PublicUserSchema } from './models';

export const SEARCH_LIMITS = {
  /** Longest query, in characters. */
  queryMax: 100,
  /** Most whitespace-separated terms in one query. */
  termsMax: 8,
  pageMax: 50,
  pageDefault: 20,
  /** Characters of context a snippet keeps around the first match. */
  snippetMax: 160,
} as const;

export const SearchQuery = z.strictObject({
  q: z
    .string()
    .max(SEARCH_LIMITS.queryMax)
    .refine((s) => !/[\u0000-\u001F\u007F]/.test(s), 'control characters are not allowed')
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine((s) => s.trim().split(/\s+/u).length <= SEARCH_LIMITS.termsMax, `at most ${SEARCH_LIMITS.termsMax} terms`),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMITS.pageMax).default(SEARCH_LIMITS.pageDefault),
  /** The previous page's nextCursor, as is. */
  cursor: z.string().max(200).optional(),
});

/** A matched range in snippet text: UTF-16 offsets, end exclusive; ranges are sorted and never overlap. */
export const SearchRangeSchema = z.strictObject({ start: z.number().int().min(0), end: z.number().int().min(0) });
export type SearchRange = z.infer<typeof SearchRangeSchema>;

export const SearchSnippetSchema = z.strictObject({
  /** Where the shown text comes from. */
  field: z.enum(['body', 'title', 'attachment']),
  /** An excerpt of that field; '…' marks where it was cut. */
  text: z.string(),
  ranges: z.array(SearchRangeSchema),
});
export type SearchSnippet = z.infer<typeof SearchSnippetSchema>;

export const SearchHitSchema = z.strictObject({
  message: MessageSchema,
  conversation: z.strictObject({ id: ConversationIdSchema, kind: z.enum(['direct', 'group']), title: z.string().nullable() }),
  sender: PublicUserSchema,
  /** The other member of a direct conversation (to name it); null for groups. */
  peer: PublicUserSchema.nullable(),
  snippet: SearchSnippetSchema,
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResponse = z.strictObject({
  results: z.array(SearchHitSchema),
  /**
   * Null at the end. A page may hold fewer than `limit` results while nextCursor is
   * not null: each request examines a bounded amount of history.
   */
  nextCursor: z.string().nullable(),
});
export type SearchResponse = z.infer<typeof SearchResponse>;
