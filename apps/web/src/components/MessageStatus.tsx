import type { MessageStatus as Status } from '../state/receipts';
import { Icon } from './Icon';

const LABEL = { sent: 'Sent', delivered: 'Delivered', read: 'Read' } as const;

/** Ticks on my own messages: one for sent, two for delivered, two coloured for read; groups also say "read by N of M". */
export function MessageStatus({ status, isGroup }: { status: Status; isGroup: boolean }) {
  return (
    <>
      {isGroup && status.of > 0 && <span className="read-by">Read by {status.readBy} of {status.of}</span>}
      <span className={`tick tick-${status.tick}`} role="img" aria-label={LABEL[status.tick]} title={LABEL[status.tick]}>
        <Icon name={status.tick === 'sent' ? 'check' : 'doubleCheck'} size={16} />
      </span>
    </>
  );
}
