import { useTranslation } from 'react-i18next';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import { LANGUAGES, setLanguage, type Language } from '../i18n/i18n';
import { setTheme, useTheme, type Theme } from '../state/theme';

/** Theme (system, light, dark) and language, each applied at once and remembered on this device. */
export function AppearanceForm() {
  const { t, i18n } = useTranslation();
  const theme = useTheme();
  return (
    <section className="settings-card" aria-labelledby="appearance-heading">
      <h3 id="appearance-heading" className="section-title">{t('settings.appearance')}</h3>
      <RadioGroup className="segmented-field" value={theme} onChange={(v) => setTheme(v as Theme)} orientation="horizontal">
        <Label className="field-label">{t('settings.theme')}</Label>
        <div className="segmented">
          {(['system', 'light', 'dark'] as const).map((v) => (
            <Radio key={v} value={v} className="segment">{t(`settings.theme_${v}`)}</Radio>
          ))}
        </div>
      </RadioGroup>
      <div className="field">
        <label htmlFor="settings-language">{t('settings.language')}</label>
        <select id="settings-language" value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>{t(`languages.${l}`)}</option>
          ))}
        </select>
      </div>
    </section>
  );
}
