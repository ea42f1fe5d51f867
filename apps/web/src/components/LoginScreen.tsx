import { useState, type FormEvent } from 'react';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { checkDisplayName, checkPassword, checkUsername } from '../state/validate';
import { FormError } from './FormError';

/** Log in, or create an account (seed 002's login screen, plus sign-up). */
export function LoginScreen({ onLoggedIn, notice }: { onLoggedIn: () => void; notice: string | null }) {
  const { client } = useServices();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = username.trim().toLowerCase();
    const problem = registering
      ? (checkUsername(name) ?? checkPassword(password) ?? (displayName ? checkDisplayName(displayName) : null))
      : !name
        ? 'Please enter your username.'
        : !password
          ? 'Please enter your password.'
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
          <span className="brand-mark" aria-hidden="true">P</span>
          <h1>Parley</h1>
        </div>
        <p className="login-lead">{registering ? 'Create your account to start chatting.' : 'Log in to continue your conversations.'}</p>
        <form onSubmit={submit} noValidate aria-label={registering ? 'Sign up' : 'Log in'}>
          <div className="field">
            <label htmlFor="login-username">Username</label>
            <input id="login-username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input id="login-password" name="password" type="password" autoComplete={registering ? 'new-password' : 'current-password'} value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          {registering && (
            <div className="field">
              <label htmlFor="login-display-name">Display name (optional)</label>
              <input id="login-display-name" name="displayName" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
            </div>
          )}
          <FormError message={error} />
          <button type="submit" className="primary wide" disabled={busy}>
            {registering ? 'Sign up' : 'Log in'}
          </button>
        </form>
        <p className="login-switch">
          {registering ? 'Already have an account?' : 'New to Parley?'}{' '}
          <button type="button" className="link-button" onClick={switchMode}>
            {registering ? 'Log in instead' : 'Create an account'}
          </button>
        </p>
      </div>
    </main>
  );
}
