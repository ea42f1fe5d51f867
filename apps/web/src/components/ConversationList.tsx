import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../state/app-context';
import { ConversationListItem } from './ConversationListItem';

/** My conversations (or the archived ones), most recent first. */
export function ConversationList({ archived, activeId }: { archived: boolean; activeId: string | null }) {
  const { t } = useTranslation();
  const conversations = useChat((s) => s.conversations);
  const listState = useChat((s) => s.listState);
  const items = useMemo(
    () => Object.values(conversations).filter((c) => c.me.archived === archived).sort((a, b) => b.updatedAt - a.updatedAt),
    [conversations, archived],
  );
  if (listState === 'loading' && items.length === 0) return <p className="list-note">{t('common.loading')}</p>;
  if (listState === 'error' && items.length === 0) return <p className="list-note">{t('list.loadFailed')}</p>;
  if (items.length === 0) return <p className="list-note">{archived ? t('list.noArchived') : t('list.empty')}</p>;
  return (
    <ul className="conversation-list" aria-label={archived ? t('list.archivedLabel') : t('list.label')}>
      {items.map((c) => (
        <ConversationListItem key={c.id} conversation={c} active={c.id === activeId} />
      ))}
    </ul>
  );
}
