import { useChat } from '../state/app-context';
import { ProfileForm } from './ProfileForm';
import { PrivacyForm } from './PrivacyForm';
import { ScreenHeader } from './ScreenHeader';
import { AccountActions } from './AccountActions';
import { PushSettings } from './notifications/PushSettings';

export function SettingsScreen() {
  const meId = useChat((s) => s.me?.id);
  return (
    <section className="screen" aria-label="Settings">
      <ScreenHeader title="Profile and settings" />
      <div className="screen-form">
        {/* Remounted when the session's user arrives, so the fields start from it. */}
        <ProfileForm key={meId ?? 'none'} />
        <PrivacyForm />
        <PushSettings />
        <AccountActions />
      </div>
    </section>
  );
}
