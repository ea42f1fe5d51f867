/**
 * Issue 18, items 2, 4, 8 and 9: one New chat with people found by name words as you type
 * (paged past 20), the conversation made only with its first message; a changed display
 * name reaching others at once; a removed member keeping a read-only conversation; group
 * details beside the chat, with presence and roles.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testRateLimits } from '../packages/server/src/test-support/users';
import { DESKTOP, api, describeE2E, finishE2E, messageItem, online, openConversation, registerApi, sendMessage, signUp, startE2E, type E2E, type UserSession } from './harness';

describeE2E('people and groups', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;
  let cara: { id: string; username: string };

  beforeAll(async () => {
    e2e = await startE2E({ config: { rateLimits: testRateLimits() } });
    ann = await signUp(e2e, 'ann', DESKTOP, { displayName: 'Ann Example' });
    bob = await signUp(e2e, 'bob', DESKTOP, { displayName: 'Bob Builder' });
    cara = await registerApi(e2e, 'cara', 'Cara Díaz');
  });
  afterAll(() => finishE2E(e2e));

  it('2: starts a chat from one place, finding people by name words as you type; nothing exists for them before the first message', async () => {
    const p = ann.page;
    await p.getByRole('button', { name: 'New chat' }).click();
    // Display-name words, any case, without the accent: "cara diaz" finds Cara Díaz.
    await p.getByLabel('To', { exact: true }).fill('cara diaz');
    await p.getByRole('option', { name: new RegExp(`@${cara.username}`) }).waitFor();
    await p.getByLabel('To', { exact: true }).fill('Bob Bu');
    await p.getByRole('option', { name: new RegExp(`@${bob.username}`) }).click();
    await p.getByRole('list', { name: 'Chosen people' }).getByText('Bob Builder').waitFor();
    await p.getByLabel('Message', { exact: true }).fill('Hello Bob, first words');
    // Chosen but not sent: Bob has no conversation yet.
    await bob.page.getByText('No conversations yet', { exact: false }).waitFor();
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    await messageItem(p, 'Hello Bob, first words').waitFor();
    await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Ann Example/ }).getByText('Hello Bob, first words').waitFor();

    // More than one page of matches: the list loads more as it scrolls.
    for (let i = 1; i <= 24; i++) await registerApi(e2e, `zed${i}`, `Zed Person ${i}`);
    await p.getByRole('button', { name: 'New chat' }).click();
    await p.getByLabel('To', { exact: true }).fill('zed pers');
    const options = p.getByRole('listbox', { name: 'Suggestions for To' }).getByRole('option');
    await expect.poll(() => options.count()).toBeGreaterThanOrEqual(20);
    await expect
      .poll(async () => {
        await p.getByRole('listbox', { name: 'Suggestions for To' }).evaluate((el) => el.scrollTo(0, el.scrollHeight));
        return options.count();
      })
      .toBe(24);
  });

  it('4: a new display name reaches the people I chat with without a reload', async () => {
    await openConversation(bob.page, /Ann Example/);
    await ann.page.getByRole('link', { name: /Profile and settings/ }).click();
    await ann.page.getByLabel('Display name').fill('Ann Renamed');
    await ann.page.getByRole('button', { name: 'Save profile' }).click();
    await ann.page.getByText('Profile saved.').waitFor();
    await bob.page.getByRole('heading', { name: 'Ann Renamed' }).waitFor();
    await bob.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Ann Renamed/ }).waitFor();
  });

  it('9: group details sit beside the chat, show who is online, and let the owner make an admin', async () => {
    const asAnn = await api(e2e, ann.username);
    const bobId = (await (await api(e2e, bob.username))('GET', '/api/me')).user.id as string;
    const { conversation } = await asAnn('POST', '/api/conversations/group', { title: 'Trip X (Lisbon)', memberIds: [bobId, cara.id] });
    await asAnn('POST', `/api/conversations/${conversation.id}/messages`, { clientMessageId: crypto.randomUUID(), kind: 'text', content: { body: 'Welcome to the trip' } });
    const p = ann.page;
    await openConversation(p, /Trip X/);
    // Initials skip punctuation ("TL", not "T(").
    expect(await p.locator('.conversation-header .avatar').getAttribute('data-initials')).toBe('TL');
    await p.getByRole('button', { name: 'Conversation details' }).click();
    const details = p.getByRole('region', { name: 'Group details' });
    await details.waitFor();
    // The chat is still there, beside the details, and the panel closes back to it.
    await messageItem(p, 'Welcome to the trip').waitFor();
    const bobRow = details.getByRole('listitem').filter({ hasText: 'Bob Builder' });
    await bobRow.getByText('online', { exact: false }).waitFor();
    await bobRow.getByRole('button', { name: 'Options for Bob Builder' }).click();
    await p.getByRole('menuitem', { name: 'Make admin' }).click();
    await bobRow.getByText('Admin', { exact: true }).waitFor();
    await p.getByRole('list', { name: 'Messages' }).getByText('You made Bob Builder an admin').waitFor();
    await p.getByRole('button', { name: 'Close details' }).click();
    await details.waitFor({ state: 'detached' });
    await messageItem(p, 'Welcome to the trip').waitFor();
  });

  it('8: a removed member keeps the conversation, read-only, told they were removed', async () => {
    const b = bob.page;
    await online(b);
    await openConversation(b, /Trip X/);
    await messageItem(b, 'Welcome to the trip').waitFor();
    const p = ann.page;
    await p.getByRole('button', { name: 'Conversation details' }).click();
    await p.getByRole('button', { name: 'Options for Bob Builder' }).click();
    await p.getByRole('menuitem', { name: 'Remove from group' }).click();
    await b.getByRole('status').filter({ hasText: 'You were removed from this group' }).waitFor();
    await messageItem(b, 'Welcome to the trip').waitFor();
    expect(await b.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(0);
    await b.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Trip X/ }).getByText('You were removed').waitFor();
    expect(await b.getByText('does not exist', { exact: false }).count()).toBe(0);
    // Ann's group goes on without Bob.
    await sendMessage(p, 'Carry on without Bob');
    await messageItem(p, 'Carry on without Bob').waitFor();
  });
});
