/**
 * The storage contract: one suite every Store adapter must pass, run from each
 * adapter's own test file (`storeContract('sqlite', factory)`).
 *
 * Rules this file keeps: it speaks only through the Store port; every test makes its
 * own users and conversations with fresh random ids (so tests never depend on order
 * and a shared database may hold leftovers from earlier runs); every event, message,
 * user event and receipt that comes back is validated against the protocol schema.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { Store } from './port';
import { createKit } from './contract/kit';
import { usersAndSessions } from './contract/users-and-sessions';
import { conversations } from './contract/conversations';
import { messages } from './contract/messages';
import { reading } from './contract/reading';
import { rules } from './contract/rules';
import { accessStates } from './contract/access-states';
import { historyVisibility } from './contract/history-visibility';
import { typedContent } from './contract/typed-content';

export type StoreFactory = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** Inside a describe: opens the store before its tests (handing it to `opened`) and cleans up after them. */
export function openForSuite(factory: StoreFactory, opened: (store: Store) => void): void {
  let cleanup: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const made = await factory();
    opened(made.store);
    cleanup = made.cleanup;
  });
  afterAll(() => cleanup());
}

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store | undefined;
    openForSuite(factory, (s) => (store = s));

    const kit = createKit(() => {
      if (!store) throw new Error('store not opened yet');
      return store;
    });
    usersAndSessions(kit);
    conversations(kit);
    messages(kit);
    reading(kit);
    rules(kit);
    accessStates(kit);
    historyVisibility(kit);
    typedContent(kit);
  });
}
