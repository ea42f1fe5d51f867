import { useState, type FormEvent } from 'react';
import { DEFAULT_HISTORY_VISIBILITY, type HistoryVisibility, type PublicUser } from '@parley/protocol';
import { useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationPath, navigate } from '../state/router';
import { checkGroupTitle } from '../state/validate';
import { FormError } from './FormError';
import { HistoryVisibilitySelect } from './HistoryVisibilitySetting';
import { IconButton } from './IconButton';
import { ScreenHeader } from './ScreenHeader';
import { UserPicker } from './UserPicker';

export function NewGroupScreen() {
  const store = useStore();
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<PublicUser[]>([]);
  const [history, setHistory] = useState<HistoryVisibility>(DEFAULT_HISTORY_VISIBILITY);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = checkGroupTitle(title);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const c = await store.createGroup(title.trim(), members.map((m) => m.id), history);
      navigate(conversationPath(c.id));
    } catch (err) {
      setError(describeError(err, 'group'));
      setBusy(false);
    }
  };

  return (
    <section className="screen" aria-label="New group">
      <ScreenHeader title="New group" />
      <form className="screen-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="group-title">Group name</label>
          <input id="group-title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
        </div>
        {members.length > 0 && (
          <ul className="chips" aria-label="Selected members">
            {members.map((m) => (
              <li key={m.id} className="chip">
                {m.displayName}
                <IconButton icon="close" label={`Remove ${m.username}`} onClick={() => setMembers(members.filter((x) => x.id !== m.id))} />
              </li>
            ))}
          </ul>
        )}
        <UserPicker label="Add members" actionLabel={(u) => `Add ${u.username}`} exclude={members.map((m) => m.id)} onPick={(u) => setMembers([...members, u])} />
        <HistoryVisibilitySelect id="group-history" value={history} onChange={setHistory} />
        <FormError message={error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>Create group</button>
        </div>
      </form>
    </section>
  );
}
