import type { AdminReport, ConversationId, MessageId, Presence, Report, UserId } from '@parley/protocol';
import { StoreError, type UserRecord } from '../store/port';
import type { ReportRecord } from '../store/moderation-port';
import type { Deps } from './deps';
import { AppError, notFound } from './errors';
import type { Fanout } from './fanout';
import { newId } from './ids';
import { decodeCursor, encodeCursor, publicUser } from './views';
import { readableMessage } from './rules/history-visibility';

/**
 * Blocks, reports and the admin's powers. (The content filter lives in send-guard.ts, on
 * the send path; a direct send across a block is refused by Store.appendMessages.)
 */
export class ModerationService {
  constructor(
    private readonly deps: Deps,
    private readonly fanout: Fanout,
  ) {}

  async block(blockerId: UserId, blockedId: UserId): Promise<void> {
    if (blockerId === blockedId) throw new AppError('CONFLICT', 'you cannot block yourself');
    const created = await this.deps.store.moderation.block({ blockerId, blockedId, at: this.deps.clock() }).catch(userNotFound);
    // Both sides stop receiving each other's typing and presence, on every node.
    if (created) await this.announce(blockerId, blockedId, true);
  }

  async unblock(blockerId: UserId, blockedId: UserId): Promise<void> {
    const removed = await this.deps.store.moderation.unblock({ blockerId, blockedId });
    // The other may have blocked me too: then nothing is shown again yet.
    if (removed && !(await this.deps.store.moderation.blockedEitherWay(blockerId, blockedId))) await this.announce(blockerId, blockedId, false);
  }

  async listBlocks(userId: UserId) {
    const blocks = await this.deps.store.moderation.listBlocks(userId);
    return { blocks: blocks.map((b) => ({ user: publicUser(b.user), blockedAt: b.blockedAt })) };
  }

  async report(reporterId: UserId, conversationId: ConversationId, messageId: MessageId, reason: string): Promise<{ report: Report }> {
    const member = await this.deps.store.getMember(conversationId, reporterId);
    if (!member) throw notFound('conversation not found');
    // A message from before the reporter's reading starts is, for them, not there.
    const message = readableMessage(member, await this.deps.store.getMessage(conversationId, messageId));
    if (!message || message.deletedAt !== null) throw notFound('message not found');
    const at = this.deps.clock();
    try {
      const r = await this.deps.store.moderation.createReport({ id: newId(at), conversationId, messageId, reporterId, reason: reason.trim(), at });
      this.deps.log.info({ reportId: r.id, conversationId, messageId }, 'message reported');
      return { report: { id: r.id, conversationId: r.conversationId, messageId: r.messageId, reason: r.reason, createdAt: r.createdAt } };
    } catch (err) {
      if (err instanceof StoreError && err.code === 'CONFLICT') throw new AppError('CONFLICT', 'you already reported this message');
      throw err;
    }
  }

  // ---- admin: every method takes the authenticated user and answers like an unknown route to non-admins

  requireAdmin(user: UserRecord): void {
    if (user.role !== 'admin') throw new AppError('ROUTE_NOT_FOUND', 'no such route');
  }

  async listReports(admin: UserRecord, q: { limit: number; cursor?: string | undefined }): Promise<{ reports: AdminReport[]; nextCursor: string | null }> {
    this.requireAdmin(admin);
    const cursor = decodeCursor(q.cursor);
    if (cursor === null) throw new AppError('BAD_REQUEST', 'invalid cursor');
    const records = await this.deps.store.moderation.listOpenReports({ limit: q.limit + 1, ...(cursor ? { after: cursor } : {}) });
    const page = records.slice(0, q.limit);
    const messages = await Promise.all(page.map((r) => this.deps.store.getMessage(r.conversationId, r.messageId)));
    const userIds = new Set<UserId>(page.map((r) => r.reporterId));
    for (const m of messages) if (m) userIds.add(m.senderId);
    const users = new Map((await this.deps.store.getPublicUsers([...userIds])).map((u) => [u.id, publicUser(u)]));
    const last = page[page.length - 1];
    return {
      reports: page.flatMap((r, i) => {
        const reporter = users.get(r.reporterId);
        const message = messages[i] ?? null;
        if (!reporter) return [];
        return [{ ...reportView(r), reporter, sender: message ? (users.get(message.senderId) ?? null) : null, message, resolvedAt: r.resolvedAt }];
      }),
      nextCursor: records.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async resolveReport(admin: UserRecord, reportId: string): Promise<void> {
    this.requireAdmin(admin);
    if (!(await this.deps.store.moderation.resolveReport({ id: reportId, by: admin.id, at: this.deps.clock() }))) throw notFound('report not found');
    this.deps.log.info({ reportId, adminId: admin.id }, 'report resolved');
  }

  /** Deletes the message for everyone (the admin need not be a member) and closes its open reports. */
  async deleteMessage(admin: UserRecord, conversationId: ConversationId, messageId: MessageId): Promise<void> {
    this.requireAdmin(admin);
    const at = this.deps.clock();
    const event = await this.deps.store.moderation.deleteMessageAsModerator({ conversationId, messageId, moderatorId: admin.id, at });
    this.fanout.events([event]);
    await this.deps.store.moderation.resolveReportsOfMessage({ messageId, by: admin.id, at });
    this.deps.log.info({ conversationId, messageId, adminId: admin.id }, 'message deleted by admin');
  }

  /** Ends every session of the user at once, on every node, and refuses logins until unsuspended. */
  async suspend(admin: UserRecord, userId: UserId): Promise<void> {
    this.requireAdmin(admin);
    if (userId === admin.id) throw new AppError('CONFLICT', 'you cannot suspend yourself');
    const at = this.deps.clock();
    await this.deps.store.moderation.setSuspended(userId, at).catch(userNotFound);
    await this.deps.store.revokeAllSessions(userId, at);
    this.fanout.sessionRevoked(userId);
    this.deps.log.info({ userId, adminId: admin.id }, 'account suspended');
  }

  async unsuspend(admin: UserRecord, userId: UserId): Promise<void> {
    this.requireAdmin(admin);
    await this.deps.store.moderation.setSuspended(userId, null).catch(userNotFound);
    this.deps.log.info({ userId, adminId: admin.id }, 'account unsuspended');
  }

  private async announce(a: UserId, b: UserId, hidden: boolean): Promise<void> {
    const [pa, pb] = hidden ? [HIDDEN(a), HIDDEN(b)] : await Promise.all([this.presenceFor(b, a), this.presenceFor(a, b)]);
    this.fanout.blockChanged(a, b, hidden, pb);
    this.fanout.blockChanged(b, a, hidden, pa);
  }

  /** userId's presence as viewerId sees it once no block stands between them (see UsersService.presenceOf). */
  private async presenceFor(viewerId: UserId, userId: UserId): Promise<Presence> {
    const user = await this.deps.store.getUser(userId);
    if (!user || user.privacy.lastSeen === 'nobody') return HIDDEN(userId);
    const online = (await this.deps.presence.onlineAmong([userId]).catch(() => new Set<UserId>())).has(userId);
    return { userId, status: online ? 'online' : 'offline', lastSeenAt: online ? null : user.lastSeenAt };
  }
}

const HIDDEN = (userId: UserId): Presence => ({ userId, status: 'hidden', lastSeenAt: null });

function reportView(r: ReportRecord): Report {
  return { id: r.id, conversationId: r.conversationId, messageId: r.messageId, reason: r.reason, createdAt: r.createdAt };
}

function userNotFound(err: unknown): never {
  if (err instanceof StoreError && err.code === 'NOT_FOUND') throw new AppError('USER_NOT_FOUND', 'no such user');
  throw err;
}
