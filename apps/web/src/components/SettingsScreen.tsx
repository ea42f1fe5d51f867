import { ProfileForm } from './ProfileForm';
import { PrivacyForm } from './PrivacyForm';
import { ScreenHeader } from './ScreenHeader';
import { AccountActions } from './AccountActions';

export function SettingsScreen() {
  return (
    <section className="screen" aria-label="Settings">
      <ScreenHeader title="Profile and settings" />
      <div className="screen-form">
        <ProfileForm />
        <PrivacyForm />
        <AccountActions />
      </div>
    </section>
  );
}
