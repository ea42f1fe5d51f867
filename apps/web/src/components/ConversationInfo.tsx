import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, Member, PublicUser } from '@parley/protocol';
import { useChat, useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationName, lastSeenText, peerOf } from '../state/format';
import { conversationPath, navigate } from '../state/router';
import { Avatar } from './Avatar';
import { FormError } from './FormError';
import { HistoryVisibilitySetting } from './HistoryVisibilitySetting';
import { Icon } from './Icon';
import { IconButton } from './IconButton';
import { MemberMenu } from './MemberMenu';
import { PeoplePicker } from './PeoplePicker';
import { PresenceDot } from './PresenceDot';
import { RenameForm } from './RenameForm';
import { BlockToggle } from './moderation/BlockToggle';
import { MuteToggle } from './notifications/MuteToggle';

/**
 * Details of a conversation, beside the chat on wide screens (a screen of its own on a
 * phone): members with their presence, and for groups rename / add / roles / remove / leave.
 */
export function ConversationInfo({ id }: { id: string }) {
  const { t } = useTranslation();
  const { store, ui } = useServices();
  const c = useChat((s) => s.conversations[id]);
  const departed = useChat((s) => s.departed[id]);
  const me = useChat((s) => s.me?.id);
  const presence = useChat((s) => s.presence);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (c?.kind === 'group' && !departed) store.askPresenceOfMembers(c);
    // Asked again when the group or its members change, not on every new message.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c?.id, c?.members.length, departed, store]);

  if (!c) return null;
  const close = () => navigate(conversationPath(c.id));
  const manager = c.kind === 'group' && c.me.role !== 'member' && !departed;
  const act = async (fn: () => Promise<void>, done?: string) => {
    try {
      setError(null);
      await fn();
      if (done) ui.toast(done);
    } catch (err) {
      setError(describeError(err, 'group'));
    }
  };
  const add = (u: PublicUser) => act(() => store.addMembers(c, [u.id]), t('info.added', { name: u.displayName }));
  const leave = () => act(async () => {
    await store.leave(c);
    navigate('/');
  });
  const peer = c.kind === 'direct' ? peerOf(c, me as never) : undefined;
  const name = conversationName(c, me as never);
  const statusOf = (userId: string): string | null => {
    const p = presence[userId];
    return p?.status === 'online' ? t('presence.online') : p?.status === 'offline' ? lastSeenText(p.lastSeenAt) : null;
  };

  return (
    <section className="details-panel" aria-label={c.kind === 'group' ? t('info.groupTitle') : t('info.contactTitle')}>
      <header className="details-header">
        <IconButton icon="back" label={t('info.backToChat')} className="details-back" onPress={close} />
        <h2>{c.kind === 'group' ? t('info.groupTitle') : t('info.contactTitle')}</h2>
        <IconButton icon="close" label={t('info.close')} className="details-close" onPress={close} />
      </header>
      <div className="details-body">
        <div className="info-hero">
          <Avatar name={name} url={peer?.user.avatarUrl ?? null} seed={peer?.user.id ?? c.id} size={72} />
          <h3>{name}</h3>
          {peer && <p className="muted">@{peer.user.username}{statusOf(peer.user.id) ? ` · ${statusOf(peer.user.id)}` : ''}</p>}
          {departed && <p className="muted">{t('departed.removed')}</p>}
        </div>
        {manager && <RenameForm conversation={c} />}
        {c.kind === 'group' && !departed && <HistoryVisibilitySetting conversation={c} canChange={manager} />}
        {!departed && <MuteToggle conversationId={c.id} />}
        {peer && <BlockToggle userId={peer.user.id} username={peer.user.username} />}
        {c.kind === 'group' && (
          <section className="details-section" aria-labelledby="members-heading">
            <h3 id="members-heading" className="section-title">{t('info.membersCount', { count: c.members.length })}</h3>
            {manager && <PeoplePicker label={t('info.addPeople')} exclude={c.members.map((m) => m.user.id)} onPick={(u) => void add(u)} />}
            <ul className="member-list" aria-label={t('info.members')}>
              {c.members.map((m) => (
                <MemberRow key={m.user.id} c={c} m={m} me={me} status={statusOf(m.user.id)} presence={presence[m.user.id]}
                  canManage={manager && m.user.id !== me && m.role !== 'owner'} isOwner={c.me.role === 'owner'} act={act} />
              ))}
            </ul>
          </section>
        )}
        <FormError message={error} />
        <div className="details-actions">
          {!departed && (
            <button type="button" onClick={() => void act(() => store.setArchived(c, !c.me.archived), c.me.archived ? t('toast.unarchived') : t('toast.archived'))}>
              <Icon name="archive" size={18} />{c.me.archived ? t('conversation.unarchive') : t('conversation.archive')}
            </button>
          )}
          {c.kind === 'group' && (
            <button type="button" className="danger" onClick={() => void leave()}>
              <Icon name="leave" size={18} />{departed ? t('info.forget') : t('info.leave')}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

function MemberRow({ c, m, me, status, presence, canManage, isOwner, act }: {
  c: Conversation; m: Member; me: string | undefined; status: string | null; presence: Parameters<typeof PresenceDot>[0]['presence'];
  canManage: boolean; isOwner: boolean; act: (fn: () => Promise<void>, done?: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const { store } = useServices();
  const role = m.role === 'member' ? null : t(`roles.${m.role}`);
  return (
    <li className="member-row">
      <span className="avatar-wrap">
        <Avatar name={m.user.displayName} url={m.user.avatarUrl} seed={m.user.id} size={36} />
        <PresenceDot presence={presence} />
      </span>
      <span className="member-text">
        <span className="member-name">{m.user.id === me ? t('info.you', { name: m.user.displayName }) : m.user.displayName}</span>
        <span className="member-sub">@{m.user.username}{status ? ` · ${status}` : ''}</span>
      </span>
      {role && <span className="role-badge">{role}</span>}
      {canManage && (
        <MemberMenu user={m.user} role={m.role} canChangeRole={isOwner}
          onRole={(r) => void act(() => store.setRole(c, m.user.id, r), r === 'admin' ? t('info.madeAdmin', { name: m.user.displayName }) : t('info.madeMember', { name: m.user.displayName }))}
          onRemove={() => void act(() => store.removeMember(c, m.user.id), t('info.removed', { name: m.user.displayName }))} />
      )}
    </li>
  );
}
