import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat, useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { checkDisplayName } from '../state/validate';
import { AvatarUpload } from './AvatarUpload';
import { FormError } from './FormError';

export function ProfileForm() {
  const { t } = useTranslation();
  const { client, store } = useServices();
  const me = useChat((s) => s.me);
  const [displayName, setDisplayName] = useState(me?.displayName ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = checkDisplayName(displayName);
    if (problem) return setError(problem);
    try {
      const { user } = await client.request('updateProfile', { body: { displayName: displayName.trim() } });
      store.setMe(user);
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(describeError(err, 'profile'));
    }
  };

  return (
    <form className="settings-card" onSubmit={submit} noValidate aria-labelledby="profile-heading">
      <h3 id="profile-heading" className="section-title">{t('profile.title')}</h3>
      <AvatarUpload displayName={displayName} />
      <div className="field">
        <label htmlFor="profile-display-name">{t('profile.displayName')}</label>
        <input id="profile-display-name" value={displayName} onChange={(e) => { setDisplayName(e.target.value); setSaved(false); }} />
      </div>
      <FormError message={error} />
      {saved && <p className="form-ok" role="status">{t('profile.saved')}</p>}
      <div className="form-actions">
        <button type="submit" className="primary">{t('profile.save')}</button>
      </div>
    </form>
  );
}
