import { useEffect, useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { useChat, useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationName, lastSeenText, peerOf } from '../state/format';
import { conversationPath, navigate } from '../state/router';
import { Avatar } from './Avatar';
import { BlockToggle } from './moderation/BlockToggle';
import { MuteToggle } from './notifications/MuteToggle';
import { FormError } from './FormError';
import { HistoryVisibilitySetting } from './HistoryVisibilitySetting';
import { MissingConversation } from './MissingConversation';
import { RenameForm } from './RenameForm';
import { ScreenHeader } from './ScreenHeader';
import { UserPicker } from './UserPicker';

/** Details of a conversation: members and, for groups, rename / add / remove / leave. */
export function ConversationInfo({ id }: { id: string }) {
  const store = useStore();
  const c = useChat((s) => s.conversations[id]);
  const me = useChat((s) => s.me?.id);
  const presence = useChat((s) => s.presence);
  const listState = useChat((s) => s.listState);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!c && listState === 'loaded') void store.fetchConversation(id);
  }, [c, listState, store, id]);

  if (!c) return <MissingConversation loading={listState !== 'loaded'} />;

  const manager = c.kind === 'group' && c.me.role !== 'member';
  const act = async (fn: () => Promise<void>) => {
    try {
      setError(null);
      await fn();
    } catch (err) {
      setError(describeError(err, 'group'));
    }
  };
  const add = (u: PublicUser) => act(() => store.addMembers(c, [u.id]));
  const leave = () => act(async () => {
    await store.leave(c);
    navigate('/');
  });
  const peer = c.kind === 'direct' ? peerOf(c, me as never) : undefined;
  const name = conversationName(c, me as never);

  return (
    <section className="screen" aria-label="Conversation details">
      <ScreenHeader title={c.kind === 'group' ? 'Group details' : 'Contact'} back={conversationPath(c.id)} />
      <div className="screen-form">
        <div className="info-hero">
          <Avatar name={name} url={peer?.user.avatarUrl ?? null} seed={peer?.user.id ?? c.id} size={72} />
          <h3>{name}</h3>
          {peer && <p className="muted">@{peer.user.username}{presence[peer.user.id]?.status === 'online' ? ' · online' : presence[peer.user.id]?.status === 'offline' ? ` · ${lastSeenText(presence[peer.user.id]!.lastSeenAt)}` : ''}</p>}
        </div>
        {manager && <RenameForm conversation={c} />}
        <HistoryVisibilitySetting conversation={c} />
        <MuteToggle conversationId={c.id} />
        {peer && <BlockToggle userId={peer.user.id} username={peer.user.username} />}
        {c.kind === 'group' && (
          <>
            <h3 className="section-title">Members ({c.members.length})</h3>
            <ul className="member-list" aria-label="Members">
              {c.members.map((m) => (
                <li key={m.user.id} className="user-result">
                  <Avatar name={m.user.displayName} url={m.user.avatarUrl} seed={m.user.id} size={36} />
                  <span className="user-result-text">
                    <span className="user-result-name">{m.user.id === me ? `${m.user.displayName} (you)` : m.user.displayName}</span>
                    <span className="user-result-username">@{m.user.username}{m.role !== 'member' ? ` · ${m.role}` : ''}</span>
                  </span>
                  {manager && m.user.id !== me && m.role !== 'owner' && (
                    <button type="button" className="danger" onClick={() => void act(() => store.removeMember(c, m.user.id))}>Remove {m.user.username}</button>
                  )}
                </li>
              ))}
            </ul>
            {manager && <UserPicker label="Add people" actionLabel={(u) => `Add ${u.username}`} exclude={c.members.map((m) => m.user.id)} onPick={add} />}
          </>
        )}
        <FormError message={error} />
        <div className="form-actions spread">
          <button type="button" onClick={() => void act(() => store.setArchived(c, !c.me.archived))}>{c.me.archived ? 'Unarchive' : 'Archive'}</button>
          {c.kind === 'group' && <button type="button" className="danger" onClick={() => void leave()}>Leave group</button>}
        </div>
      </div>
    </section>
  );
}
