import type { Conversation, Message, UserId } from '@parley/protocol';
import { statusOf } from '../state/receipts';
import { Icon } from './Icon';

const LABEL = { sent: 'Sent', delivered: 'Delivered', read: 'Read' } as const;

/** Ticks on my own messages: one for sent, two for delivered, two coloured for read; groups also say "read by N of M". */
export function MessageStatus({ conversation, message, me }: { conversation: Conversation; message: Message; me: UserId }) {
  const s = statusOf(conversation, message, me);
  return (
    <>
      {conversation.kind === 'group' && s.of > 0 && <span className="read-by">Read by {s.readBy} of {s.of}</span>}
      <span className={`tick tick-${s.tick}`} role="img" aria-label={LABEL[s.tick]} title={LABEL[s.tick]}>
        <Icon name={s.tick === 'sent' ? 'check' : 'doubleCheck'} size={16} />
      </span>
    </>
  );
}
