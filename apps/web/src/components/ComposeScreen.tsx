import { useState, type FormEvent } from 'react';
import { useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationPath, navigate } from '../state/router';
import { checkBody, checkRecipient, checkTitle } from '../state/validate';
import { FormError } from './FormError';
import { ScreenHeader } from './ScreenHeader';

function newClientMessageId(): string {
  return crypto.randomUUID();
}

/**
 * "New message" (seed 002): recipient by username, a title and a body. The client
 * message id is kept until the send succeeds, so pressing Send again after a network
 * failure cannot create a second message.
 */
export function ComposeScreen({ to }: { to: string | null }) {
  const store = useStore();
  const [recipient, setRecipient] = useState(to ?? '');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [clientMessageId, setClientMessageId] = useState(newClientMessageId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = recipient.trim().replace(/^@/, '').toLowerCase();
    const problem = checkRecipient(name) ?? checkTitle(title, true) ?? checkBody(body);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const conversation = await store.compose({ recipient: name, title: title.trim(), body, clientMessageId });
      setClientMessageId(newClientMessageId());
      navigate(conversationPath(conversation.id));
    } catch (err) {
      setError(describeError(err, 'compose'));
      setBusy(false);
    }
  };

  return (
    <section className="screen" aria-label="New message">
      <ScreenHeader title="New message" />
      <form className="screen-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="compose-recipient">To (username)</label>
          <input id="compose-recipient" autoCapitalize="none" spellCheck={false} autoComplete="off" value={recipient} onChange={(e) => setRecipient(e.target.value)} autoFocus={!to} />
        </div>
        <div className="field">
          <label htmlFor="compose-title">Title</label>
          <input id="compose-title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus={!!to} />
        </div>
        <div className="field">
          <label htmlFor="compose-body">Message</label>
          <textarea id="compose-body" rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
        </div>
        <FormError message={error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>Send</button>
        </div>
      </form>
    </section>
  );
}
