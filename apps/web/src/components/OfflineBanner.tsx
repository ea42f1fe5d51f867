import { useChat } from '../state/app-context';
import { Icon } from './Icon';

/** Shown whenever the client is not online; what is typed meanwhile waits in the outbox. */
export function OfflineBanner() {
  const status = useChat((s) => s.status);
  const pending = useChat((s) => s.outbox.length);
  if (status === 'online') return null;
  const text = status === 'connecting' ? 'Connecting…' : 'You are offline — reconnecting…';
  return (
    <div className="offline-banner" role="status" aria-live="polite">
      <Icon name="offline" size={16} />
      <span>{text}</span>
      {pending > 0 && <span className="offline-pending">{pending} message{pending === 1 ? '' : 's'} waiting to send</span>}
    </div>
  );
}
