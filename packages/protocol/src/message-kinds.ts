/**
 * What a message holds: a `kind` and that kind's typed `content`, defined here once for
 * the server, the SDK and the web app. Adding a kind is adding an entry to MESSAGE_KINDS
 * (its content schema, size cap, who may send it and what the server may read of it) and
 * a renderer in the web app; storage keeps any kind's content as an opaque JSON value and
 * never looks inside (docs/architecture.md, "Message model").
 *
 * - `text`: what people type; an optional one-line title and a body (text-rules.ts).
 * - `system`: a notice the server itself writes into a conversation. Clients may read it
 *   but never send it (domain/rules/send-rights.ts refuses it with FORBIDDEN).
 * - `encrypted`: an end-to-end encrypted payload the server stores and delivers but
 *   cannot read: never search-indexed, never filtered, previewed as "Encrypted message".
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { messageText, titleText } from './text-rules';

export const MessageTitleSchema = titleText(LIMITS.titleMax);
export const MessageBodySchema = messageText(LIMITS.bodyMax);

/** An optional title: absent, null or blank all become null, so stored titles are null or visible text. */
const OptionalTitle = MessageTitleSchema.nullable()
  .optional()
  .transform((t) => {
    const trimmed = t?.trim();
    return trimmed ? trimmed : null;
  });

export const TextContentSchema = z.strictObject({ title: OptionalTitle, body: MessageBodySchema });
export const SystemContentSchema = z.strictObject({
  /** What happened, for programs ('notice' when nothing more specific fits). */
  notice: z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/, 'lowercase name'),
  /** What people read. */
  text: MessageBodySchema,
});
/** Standard base64 (RFC 4648 §4), padded. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const ENCRYPTED_LIMITS = {
  /** Longest ciphertext, in base64 characters (36 KiB of bytes): inside one 64 KiB frame with room for the rest. */
  ciphertextMax: 48 * 1024,
  algorithmMax: 64,
} as const;
export const EncryptedContentSchema = z.strictObject({
  /** The scheme that made the ciphertext (for example 'mls-1'); the server does not interpret it. */
  algorithm: z.string().min(1).max(ENCRYPTED_LIMITS.algorithmMax).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
  ciphertext: z.string().min(4).max(ENCRYPTED_LIMITS.ciphertextMax).regex(BASE64, 'must be base64'),
});

export type TextContent = z.output<typeof TextContentSchema>;
export type SystemContent = z.output<typeof SystemContentSchema>;
export type EncryptedContent = z.output<typeof EncryptedContentSchema>;

/** A field of readable content that search matches and snippets show. */
export interface ReadableField {
  field: 'body' | 'title';
  text: string;
}

interface KindSpec<S extends z.ZodType> {
  content: S;
  /** Largest content, in bytes of its JSON (UTF-8): what storage must hold for one message. */
  maxContentBytes: number;
  /** Whether a client may send it (the server alone writes the others). */
  clientSendable: boolean;
  /** Whether the server may read it: search, the content filter, mentions and previews use readableFields. */
  serverReadable: boolean;
  /** The text the server may read, most telling first; [] when it may read nothing. */
  readableFields(content: z.output<S>): ReadableField[];
  /** One line for notifications and conversation lists (before truncation). */
  preview(content: z.output<S>): string;
  /** Whether targetId (the message a reaction or edit applies to) is allowed; no current kind takes one. */
  takesTarget: boolean;
}

const kind = <S extends z.ZodType>(spec: KindSpec<S>) => spec;

export const MESSAGE_KINDS = {
  text: kind({
    content: TextContentSchema,
    maxContentBytes: 32 * 1024,
    clientSendable: true,
    serverReadable: true,
    readableFields: (c) => [{ field: 'body', text: c.body }, ...(c.title ? [{ field: 'title' as const, text: c.title }] : [])],
    preview: (c) => c.body,
    takesTarget: false,
  }),
  system: kind({
    content: SystemContentSchema,
    maxContentBytes: 32 * 1024,
    clientSendable: false,
    serverReadable: true,
    readableFields: (c) => [{ field: 'body', text: c.text }],
    preview: (c) => c.text,
    takesTarget: false,
  }),
  encrypted: kind({
    content: EncryptedContentSchema,
    maxContentBytes: 52 * 1024,
    clientSendable: true,
    serverReadable: false,
    readableFields: () => [],
    preview: () => 'Encrypted message',
    takesTarget: false,
  }),
} as const;

export type MessageKind = keyof typeof MESSAGE_KINDS;
export const MESSAGE_KIND_NAMES = Object.keys(MESSAGE_KINDS) as MessageKind[];
export const MessageKindSchema = z.enum(MESSAGE_KIND_NAMES as [MessageKind, ...MessageKind[]]);
export type ContentOf<K extends MessageKind> = z.output<(typeof MESSAGE_KINDS)[K]['content']>;
/** A kind with its content, as a send or an edit carries it and a message holds it. */
export type TypedContent = { [K in MessageKind]: { kind: K; content: ContentOf<K> } }[MessageKind];

type Variant<S extends z.ZodRawShape, K extends MessageKind, Nullable extends boolean> = z.ZodObject<
  S & { kind: z.ZodLiteral<K>; content: Nullable extends true ? z.ZodNullable<(typeof MESSAGE_KINDS)[K]['content']> : (typeof MESSAGE_KINDS)[K]['content'] },
  z.core.$strict
>;
type Variants<S extends z.ZodRawShape, Nullable extends boolean> = { [K in MessageKind]: Variant<S, K, Nullable> }[MessageKind];

/** The registry entry of a kind, typed loosely for code that handles every kind alike. */
function specOf(kind: MessageKind): KindSpec<z.ZodType> {
  return MESSAGE_KINDS[kind] as unknown as KindSpec<z.ZodType>;
}

function contentBytes(content: unknown): number {
  return new TextEncoder().encode(JSON.stringify(content)).length;
}

function variants<S extends z.ZodRawShape>(shape: S, nullable: boolean) {
  return MESSAGE_KIND_NAMES.map((name) => {
    const spec = specOf(name);
    const content = spec.content.refine((c: unknown) => contentBytes(c) <= spec.maxContentBytes, `content larger than ${spec.maxContentBytes} bytes`);
    return z.strictObject({ ...shape, kind: z.literal(name), content: nullable ? content.nullable() : content });
  });
}

/** `shape` plus kind and content, one variant per kind (sends, edits). */
export function withContent<S extends z.ZodRawShape>(shape: S): z.ZodDiscriminatedUnion<Variants<S, false>[], 'kind'> {
  return z.discriminatedUnion('kind', variants(shape, false) as unknown as [Variants<S, false>, ...Variants<S, false>[]]) as never;
}

/** Like withContent, but content may be null: a message deleted for everyone keeps its kind and loses its content. */
export function withStoredContent<S extends z.ZodRawShape>(shape: S): z.ZodDiscriminatedUnion<Variants<S, true>[], 'kind'> {
  return z.discriminatedUnion('kind', variants(shape, true) as unknown as [Variants<S, true>, ...Variants<S, true>[]]) as never;
}

export function isClientSendable(kind: MessageKind): boolean {
  return specOf(kind).clientSendable;
}

export function kindTakesTarget(kind: MessageKind): boolean {
  return specOf(kind).takesTarget;
}

/** What the server may read of a message: [] for unreadable kinds and deleted messages (content null). */
export function readableFields(m: { kind: MessageKind; content: unknown }): ReadableField[] {
  return m.content === null ? [] : specOf(m.kind).readableFields(m.content);
}

/**
 * The text search indexes (readable fields, newline-joined), or null when the server may
 * not read the message at all: it is then never indexed, not even by attachment names.
 */
export function searchTextOf(m: { kind: MessageKind; content: unknown }): string | null {
  if (m.content === null || !specOf(m.kind).serverReadable) return null;
  return readableFields(m)
    .map((f) => f.text)
    .join('\n');
}

/** One line of preview ('' once deleted). */
export function previewOf(m: { kind: MessageKind; content: unknown }): string {
  return m.content === null ? '' : specOf(m.kind).preview(m.content);
}

/** A kind with its content as a client writes it (before the server's normalization). */
export type MessageDraft = { [K in MessageKind]: { kind: K; content: z.input<(typeof MESSAGE_KINDS)[K]['content']> } }[MessageKind];

/** A text message to send or to edit to. */
export function textMessage(body: string, title: string | null = null): { kind: 'text'; content: { title: string | null; body: string } } {
  return { kind: 'text', content: { title, body } };
}

/** A message's text content, or null for another kind or once deleted. */
export function textOf(m: { kind: MessageKind; content: unknown }): TextContent | null {
  return m.kind === 'text' && m.content !== null ? (m.content as TextContent) : null;
}
