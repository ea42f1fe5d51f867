import { useTranslation } from 'react-i18next';
import { useChat } from '../state/app-context';
import { AccountActions } from './AccountActions';
import { AppearanceForm } from './AppearanceForm';
import { PrivacyForm } from './PrivacyForm';
import { ProfileForm } from './ProfileForm';
import { ScreenHeader } from './ScreenHeader';
import { YourData } from './YourData';
import { PushSettings } from './notifications/PushSettings';

export function SettingsScreen() {
  const { t } = useTranslation();
  const meId = useChat((s) => s.me?.id);
  return (
    <section className="screen" aria-label={t('settings.title')}>
      <ScreenHeader title={t('settings.title')} />
      <div className="screen-form">
        {/* Remounted when the session's user arrives, so the fields start from it. */}
        <ProfileForm key={meId ?? 'none'} />
        <AppearanceForm />
        <PrivacyForm />
        <PushSettings />
        <YourData />
        <AccountActions />
      </div>
    </section>
  );
}
