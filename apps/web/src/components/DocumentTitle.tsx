import { useEffect } from 'react';
import { useChat } from '../state/app-context';

/** "(3) Parley" while something is unread, so a background tab shows it. */
export function DocumentTitle() {
  const conversations = useChat((s) => s.conversations);
  let unread = 0;
  for (const c of Object.values(conversations)) if (!c.me.archived) unread += c.unreadCount;
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);
  return null;
}
