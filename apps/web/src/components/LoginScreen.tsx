import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { checkDisplayName, checkPassword, checkUsername } from '../state/validate';
import { BrandMark } from './BrandMark';
import { FormError } from './FormError';

/** Log in, or create an account (seed 002's login screen, plus sign-up). */
export function LoginScreen({ onLoggedIn, notice }: { onLoggedIn: () => void; notice: 'sessionEnded' | 'accountDeleted' | null }) {
  const { t } = useTranslation();
  const { client } = useServices();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(notice === 'sessionEnded' ? t('login.sessionEnded') : null);
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = username.trim().toLowerCase();
    const problem = registering
      ? (checkUsername(name) ?? checkPassword(password) ?? (displayName ? checkDisplayName(displayName) : null))
      : !name
        ? t('login.enterUsername')
        : !password
          ? t('login.enterPassword')
          : null;
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      if (registering) await client.register({ username: name, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
      else await client.login({ username: name, password });
      onLoggedIn();
    } catch (err) {
      setError(describeError(err, registering ? 'register' : 'login'));
      setBusy(false);
    }
  };

  const switchMode = () => {
    setMode(registering ? 'login' : 'register');
    setError(null);
  };

  return (
    <main className="login-page">
      <div className="login-card">
        <div className="brand">
          <BrandMark />
          <h1>{t('app.name')}</h1>
        </div>
        {notice === 'accountDeleted' && <p className="form-ok" role="status">{t('login.accountDeleted')}</p>}
        <p className="login-lead">{registering ? t('login.leadRegister') : t('login.leadLogin')}</p>
        <form onSubmit={submit} noValidate aria-label={registering ? t('login.signUp') : t('login.logIn')}>
          <div className="field">
            <label htmlFor="login-username">{t('login.username')}</label>
            <input id="login-username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input id="login-password" name="password" type="password" autoComplete={registering ? 'new-password' : 'current-password'} value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          {registering && (
            <div className="field">
              <label htmlFor="login-display-name">{t('login.displayNameOptional')}</label>
              <input id="login-display-name" name="displayName" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
            </div>
          )}
          <FormError message={error} />
          <button type="submit" className="primary wide" disabled={busy}>
            {registering ? t('login.signUp') : t('login.logIn')}
          </button>
        </form>
        <p className="login-switch">
          {registering ? t('login.haveAccount') : t('login.newHere')}{' '}
          <button type="button" className="link-button" onClick={switchMode}>
            {registering ? t('login.logInInstead') : t('login.createAccount')}
          </button>
        </p>
      </div>
    </main>
  );
}
