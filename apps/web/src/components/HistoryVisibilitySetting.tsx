import { useEffect, useState } from 'react';
import type { Conversation, HistoryVisibility } from '@parley/protocol';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { FormError } from './FormError';

const CHOICES: readonly { value: HistoryVisibility; label: string }[] = [
  { value: 'joined', label: 'Only messages from when they join' },
  { value: 'all', label: 'All earlier messages' },
];

/** The choice itself, for the new-group form and the group details. */
export function HistoryVisibilitySelect({ id, value, onChange, disabled = false }: { id: string; value: HistoryVisibility; onChange: (v: HistoryVisibility) => void; disabled?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={id}>New members see</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as HistoryVisibility)}>
        {CHOICES.map((c) => (
          <option key={c.value} value={c.value}>{c.label}</option>
        ))}
      </select>
    </div>
  );
}

/**
 * A group's history setting in its details: owners and admins change it (for people
 * added from now on), others see it. The conversation.settings event updates the store.
 */
export function HistoryVisibilitySetting({ conversation: c }: { conversation: Conversation }) {
  const { client } = useServices();
  const [value, setValue] = useState<HistoryVisibility>(c.historyVisibility);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setValue(c.historyVisibility), [c.historyVisibility]);
  if (c.kind !== 'group') return null;

  const manager = c.me.role !== 'member';
  const change = async (next: HistoryVisibility) => {
    setValue(next);
    setSaved(false);
    try {
      await client.request('updateConversationSettings', { params: { id: c.id }, body: { historyVisibility: next } });
      setError(null);
      setSaved(true);
    } catch (err) {
      setValue(c.historyVisibility);
      setError(describeError(err, 'group'));
    }
  };

  return (
    <div className="history-visibility">
      <HistoryVisibilitySelect id={`history-${c.id}`} value={value} disabled={!manager} onChange={(v) => void change(v)} />
      <p className="muted">Applies to people added from now on; members keep what they see now.</p>
      <FormError message={error} />
      {saved && <p className="form-ok" role="status">Saved.</p>}
    </div>
  );
}
