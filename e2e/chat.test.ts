/**
 * Two people, two browser contexts (desktop and phone), chatting live: messages both
 * ways, typing indicator, sent/delivered/read ticks, edit, delete for me and for
 * everyone, archive, paging back through history, going offline and back (what was
 * missed arrives exactly once, what was typed offline is sent once), a reload that
 * keeps the session, and log out.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pngImage } from '../packages/server/src/test-support/attachments';
import { DESKTOP, PASSWORD, PHONE, describeE2E, messageItem, online, openConversation, startChat, screenshot, sendMessage, signUp, finishE2E, startE2E, watch, type E2E, type UserSession } from './harness';

describeE2E('chat between two people', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;

  beforeAll(async () => {
    e2e = await startE2E();
    ann = await signUp(e2e, 'ann', DESKTOP);
    bob = await signUp(e2e, 'bob', PHONE);
  });
  afterAll(() => finishE2E(e2e));

  it('delivers messages both ways, live', async () => {
    await startChat(ann.page, bob.username, 'Hi Bob, are you there?');

    // Bob's list gets the conversation live, with an unread badge; opening it shows the message.
    const item = bob.page.getByRole('link', { name: new RegExp(ann.username) });
    await item.getByLabel('1 unread').waitFor();
    await screenshot(bob.page, 'conversation-list-phone');
    await item.click();
    await messageItem(bob.page, 'Hi Bob, are you there?').waitFor();

    await sendMessage(bob.page, 'Yes! Hello Ann 👋 see https://example.com/docs.');
    await messageItem(ann.page, 'Yes! Hello Ann 👋 see https://example.com/docs.').waitFor();
    const link = ann.page.getByRole('link', { name: 'https://example.com/docs', exact: true });
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
  });

  it('shows the typing indicator and read ticks', async () => {
    const box = bob.page.getByRole('textbox', { name: 'Message', exact: true });
    await box.pressSequentially('typing someth');
    await ann.page.getByText(`${bob.username} is typing…`).waitFor();
    await box.fill('');
    await box.blur();
    await ann.page.getByText(`${bob.username} is typing…`).waitFor({ state: 'detached' });

    // Bob has the conversation open and visible, so Ann's next message is read at once.
    await sendMessage(ann.page, 'Can you read this?');
    await messageItem(ann.page, 'Can you read this?').getByRole('img', { name: 'Read' }).waitFor();
    await screenshot(ann.page, 'conversation-desktop');
    await screenshot(bob.page, 'conversation-phone');
  });

  it('edits and deletes (for me, for everyone)', async () => {
    await sendMessage(ann.page, 'This has a tpyo');
    await messageItem(bob.page, 'This has a tpyo').waitFor();

    const mine = messageItem(ann.page, 'This has a tpyo');
    await mine.getByRole('button', { name: 'Message options' }).click();
    await ann.page.getByRole('menuitem', { name: 'Edit' }).click();
    const editor = ann.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('This had a typo');
    await editor.press('Enter');
    await messageItem(bob.page, 'This had a typo').getByText('edited').waitFor();
    expect(await messageItem(bob.page, 'This has a tpyo').count()).toBe(0);

    // Delete for everyone: Bob sees a tombstone instead of the text.
    await sendMessage(ann.page, 'Oops, wrong chat');
    await messageItem(bob.page, 'Oops, wrong chat').waitFor();
    await messageItem(ann.page, 'Oops, wrong chat').getByRole('button', { name: 'Message options' }).click();
    await ann.page.getByRole('menuitem', { name: 'Delete for everyone' }).click();
    await ann.page.getByRole('alertdialog').getByRole('button', { name: 'Delete for everyone' }).click();
    await messageItem(bob.page, 'Oops, wrong chat').waitFor({ state: 'detached' });
    await expect.poll(() => bob.page.getByText('This message was deleted').count()).toBe(1);
    await expect.poll(() => ann.page.getByText('This message was deleted').count()).toBe(1);

    // Delete for me: gone for Bob only.
    await messageItem(bob.page, 'Can you read this?').getByRole('button', { name: 'Message options' }).click();
    await bob.page.getByRole('menuitem', { name: 'Delete for me' }).click();
    await messageItem(bob.page, 'Can you read this?').waitFor({ state: 'detached' });
    await messageItem(ann.page, 'Can you read this?').waitFor();
    await bob.page.reload();
    await messageItem(bob.page, 'This had a typo').waitFor();
    expect(await messageItem(bob.page, 'Can you read this?').count()).toBe(0);
  });

  it('archives and unarchives a conversation', async () => {
    const p = ann.page;
    await p.getByRole('button', { name: 'Archive conversation' }).click();
    const chats = p.getByRole('list', { name: 'Conversations' });
    await p.getByText('No conversations yet', { exact: false }).waitFor();
    expect(await chats.count()).toBe(0);
    await p.getByRole('link', { name: 'Archived' }).click();
    await p.getByRole('list', { name: 'Archived conversations' }).getByRole('link', { name: new RegExp(bob.username) }).click();
    await p.getByRole('button', { name: 'Unarchive conversation' }).click();
    await p.getByRole('link', { name: 'Chats' }).click();
    await chats.getByRole('link', { name: new RegExp(bob.username) }).click();
    await messageItem(p, 'This had a typo').waitFor();
  });

  it('loads older messages when scrolled to the top', async () => {
    // 60 more messages from Bob through the REST API: more than one history page (50).
    const login = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: bob.username, password: PASSWORD }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const list = (await (await fetch(`${e2e.url}/api/conversations`, { headers: auth })).json()) as { conversations: { id: string }[] };
    const id = list.conversations[0]!.id;
    for (let i = 1; i <= 60; i++) {
      const res = await fetch(`${e2e.url}/api/conversations/${id}/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ clientMessageId: `history-${i}`, kind: 'text', content: { body: `History ${i}` } }) });
      expect(res.status).toBe(201);
    }
    await messageItem(ann.page, 'History 60').waitFor();
    // Ann again in a second browser: the conversation opens with the server's newest page.
    // Her first page, reloaded, opens with what its offline cache kept (every message so far) when
    // the cache answers before the server does, which a loaded machine makes likely.
    const second = await e2e.browser.newContext({ viewport: DESKTOP, baseURL: e2e.url, locale: 'en-US' });
    second.setDefaultTimeout(10_000);
    const p = await second.newPage();
    watch(e2e, p, `${ann.username} (second browser)`);
    await p.goto('/');
    await p.getByLabel('Username').fill(ann.username);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Log in' }).click();
    await openConversation(p, bob.username);
    await messageItem(p, 'History 60').waitFor();
    expect(await messageItem(p, 'History 1').count()).toBe(0);
    const scroller = p.locator('.message-scroller');
    await expect
      .poll(async () => {
        await scroller.evaluate((el) => el.scrollTo(0, 0));
        return messageItem(p, 'History 1').count();
      })
      .toBe(1);
    await messageItem(p, 'Hi Bob, are you there?').waitFor();
    expect(await messageItem(p, 'History 30').count()).toBe(1);
    await second.close();
  }, 90_000); // 60 sends over REST, each shown live: slow on a shared machine

  it('queues while offline and catches up exactly once when back', async () => {
    await sendMessage(ann.page, 'Before the outage');
    await messageItem(bob.page, 'Before the outage').waitFor();
    await bob.context.setOffline(true);
    await bob.page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
    // The socket really dropped: the server marked Bob offline and told Ann.
    await ann.page.getByText(/last seen/).waitFor();

    await sendMessage(ann.page, 'Sent while you were away 1');
    await sendMessage(ann.page, 'Sent while you were away 2');
    await sendMessage(bob.page, 'Typed while offline');
    await messageItem(bob.page, 'Typed while offline').getByRole('img', { name: 'Sending' }).waitFor();
    await bob.page.getByText('1 message waiting to send').waitFor();
    await screenshot(bob.page, 'offline-phone');
    expect(await messageItem(bob.page, 'Sent while you were away 1').count()).toBe(0);

    await bob.context.setOffline(false);
    await online(bob.page);
    await messageItem(bob.page, 'Sent while you were away 1').waitFor();
    await messageItem(bob.page, 'Sent while you were away 2').waitFor();
    await messageItem(ann.page, 'Typed while offline').waitFor();
    await messageItem(bob.page, 'Typed while offline').getByRole('img', { name: 'Sending' }).waitFor({ state: 'detached' });
    await ann.page.getByText('online', { exact: true }).waitFor();

    for (const [page, text] of [
      [bob.page, 'Sent while you were away 1'],
      [bob.page, 'Sent while you were away 2'],
      [bob.page, 'Typed while offline'],
      [ann.page, 'Typed while offline'],
      [bob.page, 'Before the outage'],
    ] as const) {
      expect(await messageItem(page, text).count(), text).toBe(1);
    }
    // And still once after a reload, from the server's own history.
    await ann.page.reload();
    await messageItem(ann.page, 'Typed while offline').waitFor();
    expect(await messageItem(ann.page, 'Typed while offline').count()).toBe(1);
  });

  it('keeps the session across a reload, and logs out', async () => {
    await ann.page.reload();
    await ann.page.getByRole('navigation', { name: 'Lists' }).waitFor();
    await online(ann.page);
    await messageItem(ann.page, 'History 60').waitFor();

    await ann.page.getByRole('button', { name: 'More options' }).click();
    await ann.page.getByRole('menuitem', { name: 'Settings' }).click();
    // The avatar is an uploaded image Parley serves (never an outside URL).
    await ann.page.getByLabel('Avatar image').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await pngImage(200, 120) });
    await ann.page.getByRole('button', { name: 'Remove picture' }).waitFor();
    expect(await ann.page.getByRole('form', { name: 'Profile' }).locator('img.avatar').getAttribute('src')).toMatch(/^\/api\/avatars\//);
    await ann.page.getByLabel('Avatar image').setInputFiles({ name: 'not-an-image.png', mimeType: 'image/png', buffer: Buffer.from('<html></html>') });
    await ann.page.getByRole('alert').filter({ hasText: 'must be a PNG' }).waitFor();
    await ann.page.getByLabel('Display name').fill('Ann Smith');
    await ann.page.getByRole('button', { name: 'Save profile' }).click();
    await ann.page.getByText('Profile saved.').waitFor();
    await ann.page.getByLabel('Send read receipts').uncheck();
    await ann.page.getByLabel('Who can see my last seen and online status').selectOption('nobody');
    // Each change shows at once and is saved by its own request: the reload waits until the
    // server holds both (a reload cutting a request short would lose that change).
    const token = await ann.page.evaluate(() => (JSON.parse(localStorage.getItem('parley.session') ?? '{}') as { accessToken?: string }).accessToken);
    const privacy = async () => ((await (await fetch(`${e2e.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { user: { privacy: unknown } }).user.privacy;
    await expect.poll(privacy).toEqual({ lastSeen: 'nobody', readReceipts: false });
    await screenshot(ann.page, 'settings-desktop');
    await ann.page.reload();
    await expect.poll(() => ann.page.getByLabel('Display name').inputValue()).toBe('Ann Smith');
    await expect.poll(() => ann.page.getByLabel('Send read receipts').isChecked()).toBe(false);
    await expect.poll(() => ann.page.getByLabel('Who can see my last seen and online status').inputValue()).toBe('nobody');
    await ann.page.getByRole('button', { name: 'Log out', exact: true }).click();
    await ann.page.getByRole('button', { name: 'Log in' }).waitFor();
    await ann.page.reload();
    await ann.page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});
