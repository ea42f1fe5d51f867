import { useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../state/errors';
import { checkBody } from '../state/validate';
import { FormError } from './FormError';

/** Inline edit of my message: Enter saves, Shift+Enter is a new line, Escape cancels. */
export function MessageEditor({ initial, onSave, onCancel }: { initial: string; onSave: (body: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const problem = checkBody(text);
    if (problem) return setError(problem);
    if (text === initial) return onCancel();
    setBusy(true);
    try {
      await onSave(text);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onCancel();
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    }
  };

  return (
    <form className="message-editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <label htmlFor={id} className="visually-hidden">{t('message.editLabel')}</label>
      <textarea id={id} value={text} rows={Math.min(6, text.split('\n').length + 1)} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} autoFocus />
      <FormError message={error} />
      <div className="message-editor-actions">
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
        <button type="submit" className="primary" disabled={busy}>{t('common.save')}</button>
      </div>
    </form>
  );
}
