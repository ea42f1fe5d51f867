import { useMemo } from 'react';
import { useChat } from '../state/app-context';
import { ConversationListItem } from './ConversationListItem';

/** My conversations (or the archived ones), most recent first. */
export function ConversationList({ archived, activeId }: { archived: boolean; activeId: string | null }) {
  const conversations = useChat((s) => s.conversations);
  const listState = useChat((s) => s.listState);
  const items = useMemo(
    () => Object.values(conversations).filter((c) => c.me.archived === archived).sort((a, b) => b.updatedAt - a.updatedAt),
    [conversations, archived],
  );
  if (listState === 'loading' && items.length === 0) return <p className="list-note">Loading…</p>;
  if (listState === 'error' && items.length === 0) return <p className="list-note">Could not load conversations. They will appear once you are back online.</p>;
  if (items.length === 0) return <p className="list-note">{archived ? 'No archived conversations.' : 'No conversations yet. Start one with “New message”.'}</p>;
  return (
    <ul className="conversation-list" aria-label={archived ? 'Archived conversations' : 'Conversations'}>
      {items.map((c) => (
        <ConversationListItem key={c.id} conversation={c} active={c.id === activeId} />
      ))}
    </ul>
  );
}
