import { useEffect, useId, useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { useChat, useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { Avatar } from './Avatar';
import { FormError } from './FormError';

/**
 * Find people by username prefix (GET /api/users?prefix=). Each result has one action
 * button, named by `actionLabel(user)`, so lists stay keyboard- and test-friendly.
 */
export function UserPicker({ label, actionLabel, onPick, exclude = [] }: {
  label: string;
  actionLabel: (u: PublicUser) => string;
  onPick: (u: PublicUser) => void | Promise<void>;
  exclude?: readonly string[];
}) {
  const { client } = useServices();
  const me = useChat((s) => s.me?.id);
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [searched, setSearched] = useState('');

  useEffect(() => {
    const prefix = query.trim().replace(/^@/, '').toLowerCase();
    if (!prefix) {
      setResults([]);
      setSearched('');
      return;
    }
    let cancelled = false;
    const t = setTimeout(() => {
      client.request('searchUsers', { query: { prefix, limit: 20 } }).then(
        (res) => {
          if (cancelled) return;
          setResults(res.users);
          setSearched(prefix);
          setError(null);
        },
        (err: unknown) => !cancelled && setError(describeError(err)),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [query, client]);

  const shown = results.filter((u) => u.id !== me && !exclude.includes(u.id));
  return (
    <div className="user-picker">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} type="search" autoCapitalize="none" spellCheck={false} autoComplete="off" placeholder="Start typing a username" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <FormError message={error} />
      {searched && shown.length === 0 && <p className="list-note">No one found for “{searched}”.</p>}
      {shown.length > 0 && (
        <ul className="user-results" aria-label="Search results">
          {shown.map((u) => (
            <li key={u.id} className="user-result">
              <Avatar name={u.displayName} url={u.avatarUrl} seed={u.id} size={36} />
              <span className="user-result-text">
                <span className="user-result-name">{u.displayName}</span>
                <span className="user-result-username">@{u.username}</span>
              </span>
              <button type="button" onClick={() => { setQuery(''); void onPick(u); }}>{actionLabel(u)}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
