/**
 * Moderation in the browser: reporting a message from its menu (with a reason), blocking
 * and unblocking from the conversation details (the blocked person's send is refused
 * and never shown), and the Admin screen (visible to admins only) deleting the reported
 * message for everyone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../packages/server/src/adapters';
import { addUser } from '../packages/server/src/ops/users';
import type { Store } from '../packages/server/src/store/port';
import { testConfig } from '../packages/server/src/testing';
import { DESKTOP, PASSWORD, describeE2E, messageItem, online, startChat, screenshot, sendMessage, signUp, finishE2E, startE2E, uniqueName, watch, type E2E, type UserSession } from './harness';

describeE2E('moderation: block, report, admin', () => {
  let e2e: E2E;
  let store: Store;
  let ann: UserSession;
  let bob: UserSession;

  beforeAll(async () => {
    store = await openStore(testConfig());
    e2e = await startE2E({ store });
    ann = await signUp(e2e, 'ann', DESKTOP);
    bob = await signUp(e2e, 'bob', DESKTOP);
    await startChat(ann.page, bob.username, 'Hello Bob');
    await bob.page.getByRole('link', { name: new RegExp(ann.username) }).click();
    await messageItem(bob.page, 'Hello Bob').waitFor();
  });
  afterAll(async () => {
    try {
      await finishE2E(e2e);
    } finally {
      await store?.close();
    }
  });

  it('reports someone else\'s message with a reason (my own messages have no Report)', async () => {
    await sendMessage(bob.page, 'You are awful');
    const theirs = messageItem(ann.page, 'You are awful');
    await theirs.getByRole('button', { name: 'Message options' }).click();
    await ann.page.getByRole('menuitem', { name: 'Report' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Report message' });
    await dialog.getByLabel('Reason').fill('Insulting me');
    await screenshot(ann.page, 'report-dialog');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await dialog.getByText('Thanks. The admins will look at it.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    await messageItem(ann.page, 'Hello Bob').getByRole('button', { name: 'Message options' }).click();
    await ann.page.getByRole('menuitem', { name: 'Delete for me' }).waitFor();
    expect(await ann.page.getByRole('menuitem', { name: 'Report' }).count()).toBe(0);
    await ann.page.keyboard.press('Escape');
    // Not an admin: no Reports entry in the menu.
    await ann.page.getByRole('button', { name: 'More options' }).click();
    await ann.page.getByRole('menuitem', { name: 'Settings' }).waitFor();
    expect(await ann.page.getByRole('menuitem', { name: 'Reports (admin)' }).count()).toBe(0);
    await ann.page.keyboard.press('Escape');
  });

  it('blocks from the conversation details: the blocked person cannot send; unblock restores', async () => {
    await ann.page.getByRole('button', { name: 'Conversation details' }).click();
    await ann.page.getByRole('button', { name: `Block ${bob.username}` }).click();
    await ann.page.getByRole('button', { name: `Unblock ${bob.username}` }).waitFor();
    await screenshot(ann.page, 'blocked-contact');

    await sendMessage(bob.page, 'Why did you block me?');
    await bob.page.getByRole('listitem', { name: 'Message not sent' }).getByText('Not sent: You cannot message this person.').waitFor();

    await ann.page.getByRole('button', { name: `Unblock ${bob.username}` }).click();
    await ann.page.getByRole('button', { name: `Block ${bob.username}` }).waitFor();
    await ann.page.goBack();
    await ann.page.getByRole('region', { name: 'Conversation', exact: true }).waitFor();
    await sendMessage(bob.page, 'Sorry about that');
    await messageItem(ann.page, 'Sorry about that').waitFor();
    // The refused message never reached Ann.
    expect(await messageItem(ann.page, 'Why did you block me?').count()).toBe(0);
  });

  it('lets an admin delete the reported message for everyone from the Admin screen', async () => {
    const username = uniqueName('mod');
    await addUser(store, { username, password: PASSWORD, admin: true });
    const context = await e2e.browser.newContext({ viewport: DESKTOP, baseURL: e2e.url });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    watch(e2e, page, username);
    await page.goto('/');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await online(page);

    await page.getByRole('button', { name: 'More options' }).click();
    await page.getByRole('menuitem', { name: 'Reports (admin)' }).click();
    const report = page.getByRole('list', { name: 'Open reports' }).getByRole('listitem').filter({ hasText: 'Insulting me' });
    await report.getByText('You are awful').waitFor();
    await screenshot(page, 'admin-reports');
    await report.getByRole('button', { name: 'Delete message' }).click();
    await page.getByText('No open reports.').waitFor();

    await messageItem(ann.page, 'You are awful').waitFor({ state: 'detached' });
    await messageItem(bob.page, 'You are awful').waitFor({ state: 'detached' });
    await context.close();
  });
});
