import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_HISTORY_VISIBILITY, type HistoryVisibility, type PublicUser, type UserId } from '@parley/protocol';
import { useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationPath, navigate } from '../state/router';
import { checkBody, checkGroupTitle, checkTitle } from '../state/validate';
import { Avatar } from './Avatar';
import { FormError } from './FormError';
import { HistoryVisibilityChoice } from './HistoryVisibilitySetting';
import { IconButton } from './IconButton';
import { PeoplePicker } from './PeoplePicker';
import { ScreenHeader } from './ScreenHeader';

/**
 * The one way to start a chat. Pick people as you type: one person opens our chat if
 * there is one, or writes the first message (with an optional subject, seed 002's
 * "compose"); the conversation is created only when that message is sent, so nobody
 * sees an empty chat appear. Two or more people make a group, named here, with who
 * reads its history (new members from their join, by default, or everything).
 */
export function NewChatScreen() {
  const { t } = useTranslation();
  const store = useStore();
  const [people, setPeople] = useState<PublicUser[]>([]);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [groupName, setGroupName] = useState('');
  const [history, setHistory] = useState<HistoryVisibility>(DEFAULT_HISTORY_VISIBILITY);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const single = people.length === 1 ? people[0]! : null;
  const existing = single ? store.directWith(single.id) : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (people.length === 0) return setError(t('newChat.pickSomeone'));
    const problem = single ? (checkTitle(title, false) ?? checkBody(body)) : checkGroupTitle(groupName);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const c = single
        ? await store.sendToUser(single.id as UserId, body, title.trim() || null)
        : await store.createGroup(groupName.trim(), people.map((p) => p.id), history);
      navigate(conversationPath(c.id));
    } catch (err) {
      setError(describeError(err, single ? 'compose' : 'group'));
      setBusy(false);
    }
  };

  return (
    <section className="screen" aria-label={t('newChat.title')}>
      <ScreenHeader title={t('newChat.title')} />
      <form className="screen-form" onSubmit={submit} noValidate>
        <PeoplePicker label={t('newChat.to')} autoFocus exclude={people.map((p) => p.id)} onPick={(u) => { setPeople([...people, u]); setError(null); }} />
        {people.length > 0 && (
          <ul className="chips" aria-label={t('newChat.chosen')}>
            {people.map((p) => (
              <li key={p.id} className="chip">
                <Avatar name={p.displayName} url={p.avatarUrl} seed={p.id} size={24} />
                <span>{p.displayName}</span>
                <IconButton icon="close" label={t('newChat.remove', { name: p.displayName })} onPress={() => setPeople(people.filter((x) => x.id !== p.id))} />
              </li>
            ))}
          </ul>
        )}
        {people.length === 0 && <p className="muted">{t('newChat.hint')}</p>}
        {single && existing && (
          <div className="notice-card">
            <p>{t('newChat.existing', { name: single.displayName })}</p>
            <button type="button" className="primary" onClick={() => navigate(conversationPath(existing.id))}>{t('newChat.open')}</button>
          </div>
        )}
        {single && !existing && (
          <>
            <div className="field">
              <label htmlFor="new-chat-title">{t('newChat.subject')}</label>
              <input id="new-chat-title" value={title} onChange={(e) => setTitle(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="new-chat-body">{t('newChat.message')}</label>
              <textarea id="new-chat-body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
            </div>
          </>
        )}
        {people.length > 1 && (
          <>
            <div className="field">
              <label htmlFor="new-chat-group">{t('newChat.groupName')}</label>
              <input id="new-chat-group" value={groupName} onChange={(e) => setGroupName(e.target.value)} />
            </div>
            <HistoryVisibilityChoice value={history} onChange={setHistory} />
          </>
        )}
        <FormError message={error} />
        {(people.length > 1 || (single && !existing)) && (
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>{single ? t('newChat.send') : t('newChat.createGroup')}</button>
          </div>
        )}
      </form>
    </section>
  );
}
