import { useState } from 'react';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { navigate } from '../state/router';
import { FormError } from './FormError';

export function AccountActions() {
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
    <div className="settings-card">
      <h3 className="section-title">Account</h3>
      <FormError message={error} />
      <div className="form-actions spread">
        <button type="button" onClick={() => void run(() => client.logout())}>Log out</button>
        <button type="button" className="danger" onClick={() => void run(() => client.logoutAll())}>Log out everywhere</button>
      </div>
    </div>
  );
}
