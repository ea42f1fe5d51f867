import type { Conversation } from '@parley/protocol';
import { useTranslation } from 'react-i18next';
import { useChat, usePresence, useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationName, lastSeenText, peerOf } from '../state/format';
import { conversationPath, navigate, useRoute } from '../state/router';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { IconButton } from './IconButton';
import { Link } from './Link';

export function ConversationHeader({ conversation: c, readOnly }: { conversation: Conversation; readOnly: boolean }) {
  const { t } = useTranslation();
  const { store, ui } = useServices();
  const route = useRoute();
  const me = useChat((s) => s.me?.id);
  const peer = c.kind === 'direct' ? peerOf(c, me as never) : undefined;
  const presence = usePresence(peer?.user.id);
  const name = conversationName(c, me as never);
  const infoOpen = route.name === 'conversationInfo';
  const subtitle = readOnly
    ? t('departed.short')
    : c.kind === 'group'
      ? t('conversation.members', { count: c.members.length })
      : presence?.status === 'online'
        ? t('presence.online')
        : presence?.status === 'offline'
          ? lastSeenText(presence.lastSeenAt)
          : `@${peer?.user.username ?? ''}`;

  const archive = async (archived: boolean) => {
    try {
      await store.setArchived(c, archived);
      if (!archived) return ui.toast(t('toast.unarchived'));
      navigate('/');
      ui.toast(t('toast.archived'), { label: t('common.undo'), run: () => void store.setArchived(c, false).then(() => navigate(conversationPath(c.id)), () => {}) });
    } catch (err) {
      ui.toast(describeError(err));
    }
  };

  return (
    <header className="conversation-header">
      <Link to={c.me.archived ? '/archived' : '/'} className="icon-button back-button" aria-label={t('conversation.back')}>
        <Icon name="back" />
      </Link>
      <Avatar name={name} url={peer?.user.avatarUrl ?? null} seed={peer?.user.id ?? c.id} size={38} />
      <div className="conversation-header-text">
        <h2 className="conversation-title">{name}</h2>
        <p className="conversation-subtitle">{subtitle}</p>
      </div>
      <div className="header-actions">
        {!readOnly && (
          <IconButton icon="archive" label={c.me.archived ? t('conversation.unarchive') : t('conversation.archive')} onPress={() => void archive(!c.me.archived)} />
        )}
        <IconButton icon="info" label={infoOpen ? t('conversation.hideDetails') : t('conversation.details')} aria-expanded={infoOpen}
          className={infoOpen ? 'pressed' : ''} onPress={() => navigate(infoOpen ? conversationPath(c.id) : `${conversationPath(c.id)}/info`)} />
      </div>
    </header>
  );
}
