import { useTranslation } from 'react-i18next';
import type { MessageStatus as Status } from '../state/receipts';
import { Icon } from './Icon';

/** Ticks on my own messages: one for sent, two for delivered, two coloured for read. */
export function MessageTicks({ status }: { status: Status }) {
  const { t } = useTranslation();
  const label = t(`status.${status.tick}`);
  return (
    <span className={`tick tick-${status.tick}`} role="img" aria-label={label} title={label}>
      <Icon name={status.tick === 'sent' ? 'check' : 'doubleCheck'} size={15} />
    </span>
  );
}

/** Under my newest message in a group, once: "Read by 2 of 3". */
export function ReadBy({ status }: { status: Status }) {
  const { t } = useTranslation();
  if (status.of === 0) return null;
  return <p className="read-by">{t('status.readBy', { count: status.readBy, of: status.of })}</p>;
}
