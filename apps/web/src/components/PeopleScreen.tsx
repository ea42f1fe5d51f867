import { useState } from 'react';
import type { PublicUser } from '@parley/protocol';
import { useStore } from '../state/app-context';
import { describeError } from '../state/errors';
import { conversationPath, navigate } from '../state/router';
import { FormError } from './FormError';
import { ScreenHeader } from './ScreenHeader';
import { UserPicker } from './UserPicker';

/** Find people by username and open the direct conversation with one of them. */
export function PeopleScreen() {
  const store = useStore();
  const [error, setError] = useState<string | null>(null);
  const open = async (u: PublicUser) => {
    try {
      const c = await store.openDirect(u.id);
      navigate(conversationPath(c.id));
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <section className="screen" aria-label="Find people">
      <ScreenHeader title="Find people" />
      <div className="screen-form">
        <UserPicker label="Search by username" actionLabel={(u) => `Message ${u.username}`} onPick={open} />
        <FormError message={error} />
      </div>
    </section>
  );
}
