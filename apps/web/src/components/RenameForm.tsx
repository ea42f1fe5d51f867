import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '@parley/protocol';
import { useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { checkGroupTitle } from '../state/validate';
import { FormError } from './FormError';

export function RenameForm({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const store = useStore();
  const [title, setTitle] = useState(c.title ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = checkGroupTitle(title);
    if (problem) return setError(problem);
    try {
      await store.rename(c, title.trim());
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(describeError(err, 'group'));
    }
  };

  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="rename-title">{t('info.groupName')}</label>
        <div className="input-row">
          <input id="rename-title" value={title} onChange={(e) => { setTitle(e.target.value); setSaved(false); }} />
          <button type="submit">{t('info.rename')}</button>
        </div>
      </div>
      <FormError message={error} />
      {saved && <p className="form-ok" role="status">{t('info.renamed')}</p>}
    </form>
  );
}
