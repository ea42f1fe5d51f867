import { useTranslation } from 'react-i18next';
import { useEffect, useState } from 'react';
import type { ConversationId } from '@parley/protocol';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { FormError } from '../FormError';

/** Mute a conversation for me: no message notifications and no browser push (mentions still notify). */
export function MuteToggle({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const { client } = useServices();
  const [muted, setMuted] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const params = { id: conversationId as ConversationId };

  useEffect(() => {
    let live = true;
    client.request('getMute', { params: { id: conversationId as ConversationId } }).then(
      (r) => live && setMuted(r.muted),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [client, conversationId]);

  const toggle = async (next: boolean) => {
    setError(null);
    try {
      setMuted((await client.request('setMute', { params, body: { muted: next } })).muted);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div className="mute-toggle">
      <div className="field checkbox-field">
        <input id={`mute-${conversationId}`} type="checkbox" checked={muted === true} disabled={muted === null} onChange={(e) => void toggle(e.target.checked)} />
        <label htmlFor={`mute-${conversationId}`}>{t('mute.label')}</label>
      </div>
      <FormError message={error} />
    </div>
  );
}
