import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat } from '../state/app-context';
import { conversationName, nameOf } from '../state/format';
import { messageBody } from '../state/message-text';
import { useRoute } from '../state/router';

/**
 * A polite live region that tells screen reader users of incoming messages: the text when
 * the conversation is open, who and where otherwise.
 */
export function Announcer() {
  const { t } = useTranslation();
  const route = useRoute();
  const announcement = useChat((s) => s.announcement);
  const conversations = useChat((s) => s.conversations);
  const windows = useChat((s) => s.windows);
  const me = useChat((s) => s.me?.id);
  const [text, setText] = useState('');
  const openId = route.name === 'conversation' || route.name === 'conversationInfo' ? route.id : null;

  useEffect(() => {
    if (!announcement) return;
    const c = conversations[announcement.conversationId];
    const m = windows[announcement.conversationId]?.messages.find((x) => x.id === announcement.id) ?? (c?.lastMessage?.id === announcement.id ? c.lastMessage : undefined);
    if (!c || !m) return;
    const sender = nameOf(c.members.find((x) => x.user.id === m.senderId)?.user);
    const where = c.kind === 'group' ? conversationName(c, me as never) : null;
    if (openId === c.id) setText(t('a11y.messageHere', { name: sender, text: messageBody(m) }));
    else setText(where ? t('a11y.messageInGroup', { name: sender, group: where }) : t('a11y.messageFrom', { name: sender }));
    // Announced once per message: later renders of the same lists change nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [announcement]);

  return (
    <div className="visually-hidden" role="log" aria-live="polite" aria-label={t('a11y.announcements')}>
      {text && <p>{text}</p>}
    </div>
  );
}
