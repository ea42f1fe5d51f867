import { useTranslation } from 'react-i18next';
import { useEffect, useState } from 'react';
import './moderation.css';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { FormError } from '../FormError';

/**
 * Block / unblock one user (profile and conversation info). A block works both ways:
 * no messages, group adds, typing or presence between us until unblocked.
 */
export function BlockToggle({ userId, username }: { userId: string; username: string }) {
  const { t } = useTranslation();
  const { client } = useServices();
  const [blocked, setBlocked] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client.request('listBlocks').then(
      (r) => live && setBlocked(r.blocks.some((b) => b.user.id === userId)),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [client, userId]);

  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (blocked) await client.request('unblockUser', { params: { userId } });
      else await client.request('blockUser', { body: { userId } });
      setBlocked(!blocked);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="block-toggle">
      {blocked && <p className="muted" role="status">{t('block.blocked', { username })}</p>}
      <button type="button" className={blocked ? '' : 'danger'} disabled={blocked === null || busy} onClick={() => void toggle()}>
        {blocked ? t('block.unblock', { username }) : t('block.block', { username })}
      </button>
      <FormError message={error} />
    </div>
  );
}
