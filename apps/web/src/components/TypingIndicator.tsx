import { useTranslation } from 'react-i18next';
import type { Conversation } from '@parley/protocol';
import { useChat } from '../state/app-context';
import { nameOf } from '../state/format';

/** "alice is typing…", from typing pushes that expire on their own. */
export function TypingIndicator({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const typing = useChat((s) => s.typing[c.id]);
  const ids = typing ? Object.keys(typing) : [];
  const names = ids.map((id) => nameOf(c.members.find((m) => m.user.id === id)?.user));
  const text = names.length === 0 ? '' : names.length === 1 ? t('typing.one', { name: names[0] }) : names.length === 2 ? t('typing.two', { a: names[0], b: names[1] }) : t('typing.many');
  return (
    <div className="typing-indicator" aria-live="polite">
      {text && (
        <>
          <span className="typing-dots" aria-hidden="true"><span /><span /><span /></span>
          <span>{text}</span>
        </>
      )}
    </div>
  );
}
