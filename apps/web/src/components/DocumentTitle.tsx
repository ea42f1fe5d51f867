import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../state/app-context';

/** "(3) Parley" while something is unread, so a background tab shows it. */
export function DocumentTitle() {
  const { t } = useTranslation();
  const conversations = useChat((s) => s.conversations);
  let unread = 0;
  for (const c of Object.values(conversations)) if (!c.me.archived) unread += c.unreadCount;
  const name = t('app.name');
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${name}` : name;
  }, [unread, name]);
  return null;
}
