import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { navigate } from '../state/router';
import { FormError } from './FormError';

export function AccountActions() {
  const { t } = useTranslation();
  const { client } = useServices();
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
      navigate('/', { replace: true });
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <section className="settings-card" aria-labelledby="account-heading">
      <h3 id="account-heading" className="section-title">{t('account.title')}</h3>
      <FormError message={error} />
      <div className="form-actions spread">
        <button type="button" onClick={() => void run(() => client.logout())}>{t('account.logout')}</button>
        <button type="button" className="danger" onClick={() => void run(() => client.logoutAll())}>{t('account.logoutAll')}</button>
      </div>
    </section>
  );
}
