import { useState } from 'react';
import type { Privacy } from '@parley/protocol';
import { useChat, useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { FormError } from './FormError';

/** Each change is saved at once: who sees my last seen, and whether I send read receipts. */
export function PrivacyForm() {
  const { client, store } = useServices();
  const me = useChat((s) => s.me);
  const [error, setError] = useState<string | null>(null);
  // Shown at once (optimistic); the server's answer replaces it, a failure rolls it back.
  const [pending, setPending] = useState<Partial<Privacy>>({});
  const privacy: Privacy = { ...(me?.privacy ?? { lastSeen: 'everyone', readReceipts: true }), ...pending };

  const change = async (patch: Partial<Privacy>) => {
    setPending((p) => ({ ...p, ...patch }));
    try {
      const { user } = await client.request('updatePrivacy', { body: patch });
      store.setMe(user);
      setError(null);
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
    <form className="settings-card" onSubmit={(e) => e.preventDefault()} aria-label="Privacy">
      <h3 className="section-title">Privacy</h3>
      <div className="field">
        <label htmlFor="privacy-last-seen">Who can see my last seen and online status</label>
        <select id="privacy-last-seen" value={privacy.lastSeen} onChange={(e) => void change({ lastSeen: e.target.value as Privacy['lastSeen'] })}>
          <option value="everyone">Everyone</option>
          <option value="nobody">Nobody</option>
        </select>
      </div>
      <div className="field checkbox-field">
        <input id="privacy-read-receipts" type="checkbox" checked={privacy.readReceipts} onChange={(e) => void change({ readReceipts: e.target.checked })} />
        <label htmlFor="privacy-read-receipts">Send read receipts</label>
      </div>
      <FormError message={error} />
    </form>
  );
}
