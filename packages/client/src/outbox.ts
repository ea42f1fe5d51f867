/**
 * The outbox: messages the user sent that the server has not acknowledged yet.
 *
 * Guarantees:
 * - An item is persisted before `add` returns, so it survives a page reload, and it
 *   keeps its clientMessageId for every attempt: the server turns a retry into the
 *   original message (duplicate: true), so a message is never stored twice.
 * - Items are sent one at a time, in the order they were added.
 * - An item leaves only when the server answered: ok, or an error a retry cannot fix
 *   (its `done` rejects). Retryable errors and lost connections keep it for later.
 * - Attachments travel as the ids of uploads already made (uploading needs the network;
 *   sending what was uploaded does not have to wait for it). Every attempt carries the
 *   same ids with the same clientMessageId, and the server answers a retry of a stored
 *   send with the original message before it looks at the attachments, so a retry never
 *   claims a file twice. An attachment the server refuses (ATTACHMENT_INVALID: expired,
 *   not mine, already sent) is a permanent failure like any other non-retryable error.
 * - Files picked while offline travel as `files`: references to bytes kept in the offline
 *   cache. Before the send, `prepare` uploads them (recording each upload in the saved
 *   item as it lands, so a reload does not upload it again) and the send carries the
 *   resulting ids, with the same clientMessageId as always.
 */
import { textMessage, type AttachmentId, type ClientMessageId, type ConversationId, type Message, type MessageDraft, type MessageId, type ReplyData, type UserId } from '@parley/protocol';
import { ParleyError } from './parley-error';
import { Backoff } from './reconnect';
import { readJson, removeKey, writeJson, type KeyValueStorage } from './storage';

export interface OutboxItem {
  clientMessageId: ClientMessageId;
  conversationId: ConversationId;
  /** What is sent (message-kinds.ts). Absent in items saved by SDK versions before typed content: see draftOf. */
  message?: MessageDraft;
  /** Relations of the send (a reply, a thread). */
  replyTo?: MessageId;
  threadRootId?: MessageId;
  /** Text of items saved before typed content (protocol 1); sent as a text message. */
  body?: string;
  title?: string | null;
  /**
   * Uploads the message carries (already uploaded, in order). Absent for text only, and
   * in items saved by SDK versions before attachments could be queued.
   */
  attachmentIds?: readonly AttachmentId[];
  /** Files queued offline, not uploaded yet (their bytes are in the offline cache); sent after `attachmentIds`. */
  files?: readonly QueuedFileRef[];
  createdAt: number;
}

/** What a queued item sends: its draft, or the text an item saved before typed content holds. */
export function draftOf(item: OutboxItem): MessageDraft {
  return item.message ?? textMessage(item.body ?? '', item.title ?? null);
}

/** A file of a queued send: its bytes are in the offline cache under `id`. */
export interface QueuedFileRef {
  id: string;
  name: string;
  type: string;
  size: number;
  /** Set once uploaded: the upload the send will carry. */
  uploaded?: AttachmentId;
}

interface Persisted {
  userId: UserId;
  items: OutboxItem[];
}

export interface OutboxDeps {
  storage: KeyValueStorage;
  key: string;
  /** The send op over the live connection. */
  send(item: OutboxItem): Promise<ReplyData['send']>;
  /**
   * Makes an item ready to send (uploads its queued files); what it returns is sent.
   * `save` replaces the saved item with a newer state of it (progress that must survive
   * a reload). Its errors count like the send's: retryable ones wait, others fail the item.
   */
  prepare?(item: OutboxItem, save: (next: OutboxItem) => void): Promise<OutboxItem>;
  onChange(items: readonly OutboxItem[]): void;
  /** Delays between retries of retryable failures (not connection losses). */
  backoff?: Backoff;
}

interface Deferred {
  promise: Promise<Message>;
  resolve(m: Message): void;
  reject(e: unknown): void;
}

export class Outbox {
  private list: OutboxItem[] = [];
  private userId: UserId | null = null;
  private readonly waiting = new Map<string, Deferred>();
  private online = false;
  private pumping = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;
  private readonly backoff: Backoff;

  constructor(private readonly deps: OutboxDeps) {
    this.backoff = deps.backoff ?? new Backoff({ minDelayMs: 1000, maxDelayMs: 30_000 });
  }

  get items(): readonly OutboxItem[] {
    return this.list;
  }

  /** Loads the saved outbox of this user; another user's leftovers are discarded. */
  load(userId: UserId): void {
    this.userId = userId;
    const saved = readJson<Persisted>(this.deps.storage, this.deps.key);
    const items = saved && saved.userId === userId && Array.isArray(saved.items) ? saved.items : [];
    const known = new Set(this.list.map((i) => i.clientMessageId));
    this.list = [...this.list, ...items.filter((i) => !known.has(i.clientMessageId))];
    if (!saved || saved.userId !== userId) this.persist();
    this.deps.onChange(this.list);
    this.pump();
  }

  add(item: OutboxItem): Promise<Message> {
    const d = deferred();
    this.waiting.set(item.clientMessageId, d);
    this.list = [...this.list, item];
    this.persist();
    this.deps.onChange(this.list);
    this.pump();
    return d.promise;
  }

  /** Called when the connection comes and goes; coming online sends what waits. */
  setOnline(online: boolean): void {
    this.online = online;
    if (online) {
      this.backoff.reset();
      this.wakeUp();
      this.pump();
    }
  }

  /** Drops everything (logout, session ended); pending `done` promises reject with `reason`. */
  clear(reason: ParleyError): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    this.list = [];
    this.userId = null;
    removeKey(this.deps.storage, this.deps.key);
    this.wakeUp();
    for (const d of waiting) d.reject(reason);
    this.deps.onChange(this.list);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.online && this.list.length > 0) {
        const item = this.list[0]!;
        try {
          const ready = item.files?.length && this.deps.prepare ? await this.deps.prepare(item, (next) => this.replace(next)) : item;
          const { message } = await this.deps.send(ready);
          this.settle(item, (d) => d.resolve(message));
        } catch (err) {
          const e = err instanceof ParleyError ? err : new ParleyError('INTERNAL', String(err));
          if (!e.retryable) {
            this.settle(item, (d) => d.reject(e));
            continue;
          }
          if (!this.online) break; // the connection went: the next one resumes
          await this.sleep(e.retryAfterMs ?? this.backoff.next());
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Saves a newer state of an item that is still queued (same clientMessageId). */
  private replace(next: OutboxItem): void {
    const idx = this.list.findIndex((i) => i.clientMessageId === next.clientMessageId);
    if (idx < 0) return;
    this.list = this.list.map((i, n) => (n === idx ? next : i));
    this.persist();
    this.deps.onChange(this.list);
  }

  /** Removes the item if it is still here (a clear may have raced the reply). */
  private settle(item: OutboxItem, fn: (d: Deferred) => void): void {
    const idx = this.list.findIndex((i) => i.clientMessageId === item.clientMessageId);
    if (idx < 0) return;
    this.list = this.list.filter((_, i) => i !== idx);
    this.persist();
    const d = this.waiting.get(item.clientMessageId);
    this.waiting.delete(item.clientMessageId);
    if (d) fn(d);
    this.deps.onChange(this.list);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.retryTimer = setTimeout(() => this.wakeUp(), ms);
    });
  }

  private wakeUp(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private persist(): void {
    if (!this.userId) return;
    if (this.list.length === 0) removeKey(this.deps.storage, this.deps.key);
    else writeJson(this.deps.storage, this.deps.key, { userId: this.userId, items: this.list } satisfies Persisted);
  }
}

function deferred(): Deferred {
  let resolve!: (m: Message) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<Message>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // An app may ignore `done`; a rejected send must not become an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
