import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Privacy } from '@parley/protocol';
import { useChat, useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { FormError } from './FormError';

/** Each change is saved at once (and says so): who sees my last seen, and whether I send read receipts. */
export function PrivacyForm() {
  const { t } = useTranslation();
  const { client, store } = useServices();
  const me = useChat((s) => s.me);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  // Shown at once (optimistic); the server's answer replaces it, a failure rolls it back.
  const [pending, setPending] = useState<Partial<Privacy>>({});
  const privacy: Privacy = { ...(me?.privacy ?? { lastSeen: 'everyone', readReceipts: true }), ...pending };

  const change = async (patch: Partial<Privacy>) => {
    setPending((p) => ({ ...p, ...patch }));
    setSaved(false);
    try {
      const { user } = await client.request('updatePrivacy', { body: patch });
      store.setMe(user);
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(describeError(err, 'profile'));
    } finally {
      setPending((p) => {
        const rest = { ...p };
        for (const k of Object.keys(patch) as (keyof Privacy)[]) delete rest[k];
        return rest;
      });
    }
  };

  return (
    <form className="settings-card" onSubmit={(e) => e.preventDefault()} aria-labelledby="privacy-heading">
      <h3 id="privacy-heading" className="section-title">{t('privacy.title')}</h3>
      <div className="field">
        <label htmlFor="privacy-last-seen">{t('privacy.lastSeen')}</label>
        <select id="privacy-last-seen" value={privacy.lastSeen} onChange={(e) => void change({ lastSeen: e.target.value as Privacy['lastSeen'] })}>
          <option value="everyone">{t('privacy.everyone')}</option>
          <option value="nobody">{t('privacy.nobody')}</option>
        </select>
      </div>
      <div className="field checkbox-field">
        <input id="privacy-read-receipts" type="checkbox" checked={privacy.readReceipts} onChange={(e) => void change({ readReceipts: e.target.checked })} />
        <label htmlFor="privacy-read-receipts">{t('privacy.readReceipts')}</label>
      </div>
      <FormError message={error} />
      <p className="form-ok" role="status">{saved ? t('privacy.saved') : ''}</p>
    </form>
  );
}
