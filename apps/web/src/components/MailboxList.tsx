import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RouteResponse } from '@parley/protocol';
import { useServices, useChat } from '../state/app-context';
import { describeError } from '../state/errors';
import { listTime, nameOf } from '../state/format';
import { messageBody, messageTitle } from '../state/message-text';
import { conversationPath } from '../state/router';
import { Avatar } from './Avatar';
import { FormError } from './FormError';
import { Link } from './Link';

type Item = RouteResponse<'received'>['messages'][number];

/** Received or Sent (seed 002): messages across conversations, newest first; each opens in its conversation. */
export function MailboxList({ box }: { box: 'received' | 'sent' }) {
  const { t } = useTranslation();
  const { client } = useServices();
  const status = useChat((s) => s.status);
  const conversations = useChat((s) => s.conversations);
  const me = useChat((s) => s.me);
  const [items, setItems] = useState<Item[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      try {
        const res = await client.request(box, { query: { limit: 50, ...(after ? { cursor: after } : {}) } });
        setItems((prev) => (after && prev ? [...prev, ...res.messages] : res.messages));
        setCursor(res.nextCursor);
        setError(null);
      } catch (err) {
        setError(describeError(err));
      }
    },
    [client, box],
  );

  // Reload when the connection comes back, and when anything new arrives in a conversation.
  const newest = Object.values(conversations).reduce((t, c) => Math.max(t, c.lastMessage?.createdAt ?? 0), 0);
  useEffect(() => {
    if (status === 'online' || items === null) void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- items is read for the first load only; a reload must not trigger another
  }, [load, status, newest]);

  const label = box === 'received' ? t('mailbox.received') : t('mailbox.sent');
  return (
    <section aria-label={label}>
      <FormError message={error} />
      {items === null && !error && <p className="list-note">{t('common.loading')}</p>}
      {items && items.length === 0 && <p className="list-note">{box === 'received' ? t('mailbox.noneReceived') : t('mailbox.noneSent')}</p>}
      {items && items.length > 0 && (
        <ul className="mailbox-list" aria-label={label}>
          {items.map((m) => {
            const conv = conversations[m.conversationId];
            const other = box === 'sent' ? conv?.members.find((x) => x.user.id !== me?.id)?.user : m.sender;
            const toName = conv?.kind === 'group' ? (conv.title ?? t('conversation.untitledGroup')) : nameOf(other);
            const who = box === 'sent' ? t('mailbox.to', { name: toName }) : nameOf(m.sender);
            return (
              <li key={m.id}>
                <Link to={conversationPath(m.conversationId, m.id)} className="mailbox-item">
                  <Avatar name={box === 'sent' ? toName : nameOf(m.sender)} url={other?.avatarUrl ?? null} seed={other?.id ?? m.conversationId} size={40} />
                  <span className="mailbox-item-text">
                    <span className="conversation-item-top">
                      <span className="conversation-item-name">{who}</span>
                      <time className="conversation-item-time">{listTime(m.createdAt)}</time>
                    </span>
                    {messageTitle(m) && <span className="mailbox-item-title">{messageTitle(m)}</span>}
                    <span className="conversation-item-preview">{m.deletedAt ? t('message.deleted') : messageBody(m)}</span>
                    {m.conversationTitle && box === 'received' && <span className="mailbox-item-conv">{t('mailbox.in', { title: m.conversationTitle })}</span>}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      {cursor && (
        <button type="button" className="load-more" onClick={() => void load(cursor)}>
          {t('common.loadMore')}
        </button>
      )}
    </section>
  );
}
