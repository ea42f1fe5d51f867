import type { Presence, UserId } from '@parley/protocol';
import { AppError } from './errors';
import type { Deps } from './deps';
import type { Fanout } from './fanout';
import type { AvatarsService } from './avatars-service';
import { GroupCommit } from './group-commit';
import { me, publicUser } from './views';
import type { UserRecord } from '../store/port';

/** Profiles, privacy, people search and presence (online / last seen). */
export class UsersService {
  /**
   * Last-seen writes go through group commit: when a node loses thousands of sockets at
   * once (a network blip, a restart) they are one transaction, not one fsync each.
   */
  private readonly lastSeen: GroupCommit<{ id: UserId; at: number }, undefined>;

  constructor(
    private readonly deps: Deps,
    private readonly fanout: Fanout,
    private readonly avatars: Pick<AvatarsService, 'forget'>,
  ) {
    this.lastSeen = new GroupCommit(async (items) => {
      await deps.store.setLastSeenMany(items);
      return items.map(() => undefined);
    }, deps.config.groupCommitMax);
  }

  async updateProfile(userId: UserId, patch: { displayName?: string | undefined; avatarUrl?: string | null | undefined }) {
    const clean: { displayName?: string; avatarUrl?: string | null } = {};
    if (patch.displayName !== undefined) clean.displayName = patch.displayName.trim();
    if (patch.avatarUrl !== undefined) clean.avatarUrl = patch.avatarUrl;
    const user = await this.deps.store.updateProfile(userId, clean);
    // avatarUrl can only be set to null here (avatars are uploaded): the image goes too.
    if (clean.avatarUrl === null) await this.avatars.forget(userId);
    // Everyone sharing a conversation with me sees the new name or picture at once.
    this.fanout.profile(await this.deps.store.listConversationIds(userId), publicUser(user));
    return me(user);
  }

  async updatePrivacy(userId: UserId, patch: { lastSeen?: 'everyone' | 'nobody' | undefined; readReceipts?: boolean | undefined }) {
    const clean: { lastSeen?: 'everyone' | 'nobody'; readReceipts?: boolean } = {};
    if (patch.lastSeen !== undefined) clean.lastSeen = patch.lastSeen;
    if (patch.readReceipts !== undefined) clean.readReceipts = patch.readReceipts;
    const user = await this.deps.store.updatePrivacy(userId, clean);
    if (clean.lastSeen !== undefined) {
      // Contacts hold my status from before the change (say "online", which would never
      // be corrected once I hide it): replace it with "hidden", or with the live status.
      const presence: Presence = clean.lastSeen === 'nobody' ? { userId, status: 'hidden', lastSeenAt: null } : await this.livePresence(user);
      this.fanout.presence(await this.presenceAudience(userId), presence);
    }
    return me(user);
  }

  /**
   * Where a change of the user's presence is pushed: their direct conversations and the
   * groups of at most PARLEY_PRESENCE_GROUP_MAX members. Pushing to every group would be
   * O(members²) frames when a big group comes online; members of a bigger group see the
   * user's presence through a direct conversation or small group they share, or ask
   * GET /api/users/:userId. Blocks are applied at delivery (routing "f<userId>").
   */
  private presenceAudience(userId: UserId) {
    return this.deps.store.presenceConversationIds(userId, this.deps.config.presenceGroupMax);
  }

  private async livePresence(user: UserRecord): Promise<Presence> {
    // Presence unreachable (Redis down): shown offline with the stored last seen, not an error.
    const online = (
      await this.deps.presence.onlineAmong([user.id]).catch((err: unknown) => {
        this.deps.log.warn({ err }, 'presence unavailable');
        return new Set<UserId>();
      })
    ).has(user.id);
    return { userId: user.id, status: online ? 'online' : 'offline', lastSeenAt: online ? null : user.lastSeenAt };
  }

  /** One page of people matching the query (see UserSearchQuery); one extra row tells whether more follow. */
  async search(query: string, limit: number, cursor?: string) {
    const rows = await this.deps.store.searchUsers(query, limit + 1, cursor);
    const page = rows.slice(0, limit);
    return { users: page.map(publicUser), nextCursor: rows.length > limit ? (page[page.length - 1]?.username ?? null) : null };
  }

  async get(viewerId: UserId, userId: UserId) {
    const user = await this.deps.store.getUser(userId);
    if (!user) throw new AppError('USER_NOT_FOUND', 'no such user');
    return { user: publicUser(user), presence: await this.presenceOf(viewerId, user) };
  }

  async presenceOf(viewerId: UserId, user: UserRecord): Promise<Presence> {
    if (user.privacy.lastSeen === 'nobody' && viewerId !== user.id) return { userId: user.id, status: 'hidden', lastSeenAt: null };
    // A block either way hides presence both ways (moderation).
    if (viewerId !== user.id && (await this.deps.store.moderation.blockedEitherWay(viewerId, user.id))) return { userId: user.id, status: 'hidden', lastSeenAt: null };
    return this.livePresence(user);
  }

  /** A user's first connection anywhere: tell the people they share a direct conversation or small group with. */
  async cameOnline(userId: UserId): Promise<void> {
    const user = await this.deps.store.getUser(userId);
    if (!user || user.privacy.lastSeen === 'nobody') return;
    this.fanout.presence(await this.presenceAudience(userId), { userId, status: 'online', lastSeenAt: null });
  }

  /** A user's last connection closed everywhere: record last seen and tell the same audience as cameOnline. */
  async wentOffline(userId: UserId): Promise<void> {
    const at = this.deps.clock();
    await this.lastSeen.submit({ id: userId, at });
    const user = await this.deps.store.getUser(userId);
    if (!user || user.privacy.lastSeen === 'nobody') return;
    this.fanout.presence(await this.presenceAudience(userId), { userId, status: 'offline', lastSeenAt: at });
  }
}
