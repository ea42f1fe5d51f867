/**
 * The profile picture: pick an image and it is uploaded at once (Parley keeps a square
 * copy and serves it; no outside URL is ever fetched by viewers), or removed.
 */
import { useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useChat, useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { Avatar } from './Avatar';
import { FormError } from './FormError';

const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp';

export function AvatarUpload({ displayName }: { displayName: string }) {
  const { t } = useTranslation();
  const { client, store } = useServices();
  const me = useChat((s) => s.me);
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describeError(err, 'profile'));
    } finally {
      setBusy(false);
    }
  };

  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void run(async () => store.setMe(await client.uploadAvatar(file)));
  };

  const remove = () => run(async () => store.setMe((await client.request('updateProfile', { body: { avatarUrl: null } })).user));

  return (
    <div className="profile-row">
      <Avatar name={displayName || me?.username || '?'} url={me?.avatarUrl ?? null} seed={me?.id ?? ''} size={56} />
      <div>
        <p className="muted">{t('profile.signedInAs', { username: me?.username ?? '' })}</p>
        <input ref={input} id="profile-avatar" type="file" accept={ACCEPT} hidden onChange={picked} aria-label={t('profile.avatarImage')} />
        <div className="avatar-actions">
          <button type="button" disabled={busy} onClick={() => input.current?.click()}>
            {me?.avatarUrl ? t('profile.changePicture') : t('profile.uploadPicture')}
          </button>
          {me?.avatarUrl && (
            <button type="button" disabled={busy} onClick={() => void remove()}>
              {t('profile.removePicture')}
            </button>
          )}
        </div>
        <FormError message={error} />
      </div>
    </div>
  );
}
