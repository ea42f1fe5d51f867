import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Label, Radio, RadioGroup, Text } from 'react-aria-components';
import type { Conversation, HistoryVisibility } from '@parley/protocol';
import { useServices } from '../state/app-context';
import { describeError } from '../state/errors';
import { FormError } from './FormError';

const CHOICES: readonly HistoryVisibility[] = ['joined', 'all'];

/** The choice itself (a radio group), for the new-chat form and the group details. */
export function HistoryVisibilityChoice({ value, onChange, disabled = false, hint }: {
  value: HistoryVisibility; onChange: (v: HistoryVisibility) => void; disabled?: boolean; hint?: string;
}) {
  const { t } = useTranslation();
  return (
    <RadioGroup className="segmented-field" value={value} onChange={(v) => onChange(v as HistoryVisibility)} isDisabled={disabled} orientation="horizontal">
      <Label className="field-label">{t('history.label')}</Label>
      <div className="segmented">
        {CHOICES.map((v) => (
          <Radio key={v} value={v} className="segment">{t(`history.${v}`)}</Radio>
        ))}
      </div>
      {hint && <Text slot="description" className="muted field-hint">{hint}</Text>}
    </RadioGroup>
  );
}

/**
 * A group's history setting in its details: owners and admins change it (for people
 * added from now on), others see it. The conversation.settings event updates the store.
 */
export function HistoryVisibilitySetting({ conversation: c, canChange }: { conversation: Conversation; canChange: boolean }) {
  const { t } = useTranslation();
  const { store, ui } = useServices();
  const [value, setValue] = useState<HistoryVisibility>(c.historyVisibility);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setValue(c.historyVisibility), [c.historyVisibility]);

  const change = async (next: HistoryVisibility) => {
    setValue(next);
    setError(null);
    try {
      await store.setHistoryVisibility(c, next);
      ui.toast(t('history.saved'));
    } catch (err) {
      setValue(c.historyVisibility);
      setError(describeError(err, 'group'));
    }
  };

  return (
    <div className="inline-form">
      <HistoryVisibilityChoice value={value} disabled={!canChange} onChange={(v) => void change(v)} hint={t('history.hint')} />
      <FormError message={error} />
    </div>
  );
}
