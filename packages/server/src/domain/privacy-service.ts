/**
 * Privacy (GDPR): my own data export, and erasure of my account. See
 * @parley/protocol privacy.ts for what each holds and guarantees.
 */
import { DELETED_ACCOUNT, EXPORT_FORMAT, LIMITS, type UserId } from '@parley/protocol';
import { AppError } from './errors';
import type { Deps } from './deps';
import type { Fanout } from './fanout';
import { verifyPassword } from './auth/passwords';
import { me, publicUser } from './views';
import type { TimeCursor } from '../store/port';
import type { AttachmentsService } from './attachments-service';
import type { AvatarsService } from './avatars-service';

const PAGE = 200;

/**
 * Rate limits (exports per user, erasure attempts per user) are the operations table's
 * (operations/privacy.ts): they are taken before any of this runs.
 */
export class PrivacyService {
  constructor(
    private readonly deps: Deps,
    private readonly fanout: Fanout,
    private readonly attachments: Pick<AttachmentsService, 'deleteUpload'>,
    private readonly avatars: Pick<AvatarsService, 'forget'>,
  ) {}

  /**
   * My data export as a download: its file name and the archive's chunks. Nothing is
   * read until the chunks are iterated, so a refusal comes before any byte is sent.
   */
  exportArchive(userId: UserId): { fileName: string; chunks: AsyncGenerator<string> } {
    return {
      fileName: `parley-export-${new Date(this.deps.clock()).toISOString().slice(0, 10)}.json`,
      chunks: this.exportChunks(userId),
    };
  }

  /**
   * The archive (ExportArchiveSchema) as JSON text chunks, read page by page so memory
   * stays flat however much there is. Each chunk is a complete JSON value or punctuation.
   */
  async *exportChunks(userId: UserId): AsyncGenerator<string> {
    const { store } = this.deps;
    const user = await store.getUser(userId);
    if (!user) throw new AppError('NOT_FOUND', 'not found');
    const profile = { ...me(user), lastSeenAt: user.lastSeenAt };
    yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":2,"exportedAt":${this.deps.clock()},"profile":${JSON.stringify(profile)},"conversations":[`;

    let first = true;
    for (const archived of [false, true]) {
      let cursor: TimeCursor | undefined;
      for (;;) {
        const views = await store.listConversationViews(userId, { archived, limit: LIMITS.pageMax, ...(cursor ? { cursor } : {}) });
        for (const v of views) {
          const entry = {
            id: v.id,
            kind: v.kind,
            title: v.title,
            createdAt: v.createdAt,
            me: { role: v.me.role, joinedAt: v.me.joinedAt, archived: v.me.archived, readSeq: v.me.readSeq },
            members: v.members.map((m) => ({ user: publicUser(m.user), role: m.role, joinedAt: m.joinedAt })),
          };
          yield (first ? '' : ',') + JSON.stringify(entry);
          first = false;
        }
        const last = views[views.length - 1];
        if (views.length < LIMITS.pageMax || !last) break;
        cursor = { at: last.updatedAt, id: last.id };
      }
    }

    yield '],"messages":[';
    first = true;
    let after: { at: number; id: string } | undefined;
    for (;;) {
      const page = await store.privacy.messagesByAuthor({ userId, limit: PAGE, ...(after ? { after } : {}) });
      for (const m of page) {
        yield (first ? '' : ',') + JSON.stringify(m);
        first = false;
      }
      const last = page[page.length - 1];
      if (page.length < PAGE || !last) break;
      after = { at: last.createdAt, id: last.id };
    }

    const files = (await store.privacy.filesOf(userId)).map((f) => ({
      id: f.id,
      name: f.name,
      size: f.size,
      contentType: f.contentType,
      kind: f.kind,
      conversationId: f.conversationId,
      messageId: f.messageId,
      createdAt: f.createdAt,
      downloadPath: f.conversationId && f.messageId ? `/api/conversations/${encodeURIComponent(f.conversationId)}/attachments/${encodeURIComponent(f.id)}` : null,
    }));
    const blocks = (await store.moderation.listBlocks(userId)).map((b) => ({ user: publicUser(b.user), blockedAt: b.blockedAt }));
    const pushSubscriptions = (await store.notifications.pushSubscriptionsOf([userId])).map((p) => ({ endpoint: p.endpoint, createdAt: p.createdAt }));
    yield `],"files":${JSON.stringify(files)},"blocks":${JSON.stringify(blocks)},"pushSubscriptions":${JSON.stringify(pushSubscriptions)}}`;
  }

  /**
   * Erases the account after checking the password. Every node closes the user's sockets
   * (sessionRevoked) and the other members get the events. The user's files are deleted
   * with their bytes now rather than at the next orphan sweep (which still catches any
   * this misses).
   */
  async erase(userId: UserId, password: string): Promise<void> {
    const { store, clock, log } = this.deps;
    const user = await store.getUser(userId);
    if (!user || !(await verifyPassword(user.passwordHash, password))) throw new AppError('INVALID_CREDENTIALS', 'wrong password');
    const result = await store.privacy.eraseUser({
      userId,
      at: clock(),
      username: `${DELETED_ACCOUNT.usernamePrefix}${userId}`,
      displayName: DELETED_ACCOUNT.displayName,
    });
    this.fanout.events(result.events);
    // eraseUser already deleted the push subscriptions, in its transaction: no more
    // browser pushes to the erased account's devices.
    this.fanout.sessionRevoked(userId);
    log.info({ userId, events: result.events.length, detachedFiles: result.detachedFiles }, 'account erased');
    for (const f of await store.privacy.filesOf(userId)) {
      await this.attachments.deleteUpload(userId, f.id).catch((err: unknown) => log.warn({ err, userId }, 'erasure: file left for the sweep'));
    }
    // The avatar image too (erasure already cleared avatarUrl, so it is no longer served).
    await this.avatars.forget(userId).catch((err: unknown) => log.warn({ err, userId }, 'erasure: avatar image not deleted'));
  }
}
