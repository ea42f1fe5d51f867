/**
 * Issue 18, items 5, 7 and 10, and the new keyboard shortcuts, language and polish: export
 * and delete my account in the app; privacy saves say so; the empty state needs no emoji
 * font; group read status said once; a skip link first, incoming messages announced;
 * Ctrl+K, Up to edit, "?" for the list; Spanish from the browser's language.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { testRateLimits } from '../packages/server/src/test-support/users';
import { DESKTOP, PASSWORD, api, describeE2E, finishE2E, messageItem, online, openConversation, registerApi, sendMessage, signUp, startChat, startE2E, type E2E, type UserSession } from './harness';

describeE2E('account, accessibility and shortcuts', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;

  beforeAll(async () => {
    e2e = await startE2E({ config: { rateLimits: testRateLimits() } });
    ann = await signUp(e2e, 'ann', DESKTOP, { displayName: 'Ann Example' });
    bob = await signUp(e2e, 'bob', DESKTOP, { displayName: 'Bob Builder' });
  });
  afterAll(() => finishE2E(e2e));

  it('7: the empty state is drawn, the search box is a styled field, privacy changes say they were saved', async () => {
    const p = ann.page;
    const empty = p.locator('.empty-pane');
    await empty.getByRole('link', { name: 'Start a new chat' }).waitFor();
    expect(await empty.locator('svg').count()).toBe(1);
    expect(await empty.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
    const search = p.getByRole('searchbox', { name: 'Search messages' });
    expect(await search.evaluate((el) => getComputedStyle(el.parentElement!).borderRadius)).not.toBe('0px');
    await p.getByRole('link', { name: /Profile and settings/ }).click();
    // Dark mode: the switch overrides the system's light, and is remembered.
    const background = () => p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await background();
    await p.getByRole('radio', { name: 'Dark' }).click({ force: true });
    await expect.poll(background).not.toBe(light);
    await p.reload();
    await p.getByRole('heading', { name: 'Your data' }).waitFor();
    expect(await p.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await p.getByRole('radio', { name: 'System' }).click({ force: true });
    await expect.poll(background).toBe(light);
    await p.getByLabel('Send read receipts').uncheck();
    await p.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await p.getByLabel('Send read receipts').check();
  });

  it('10: a skip link comes first, and incoming messages are announced', async () => {
    const p = ann.page;
    await startChat(p, bob.username, 'Hello Bob');
    await p.goto('/');
    await p.getByRole('navigation', { name: 'Lists' }).waitFor();
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await p.keyboard.press('Enter');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('content');

    await online(p);
    await openConversation(p, /Bob Builder/);
    await openConversation(bob.page, /Ann Example/);
    await sendMessage(bob.page, 'A reply for screen readers');
    await p.getByRole('log', { name: 'New messages' }).getByText('Bob Builder: A reply for screen readers').waitFor();
  });

  it('7: in a group, "read by" is said once, under my newest message', async () => {
    const asAnn = await api(e2e, ann.username);
    const carl = await registerApi(e2e, 'carl', 'Carl');
    const bobId = (await (await api(e2e, bob.username))('GET', '/api/me')).user.id as string;
    const { conversation } = await asAnn('POST', '/api/conversations/group', { title: 'Readers', memberIds: [bobId, carl.id] });
    for (const body of ['One', 'Two', 'Three']) await asAnn('POST', `/api/conversations/${conversation.id}/messages`, { clientMessageId: crypto.randomUUID(), kind: 'text', content: { body } });
    await openConversation(ann.page, /Readers/);
    await messageItem(ann.page, 'Three').getByText(/^Read by \d of 2$/).waitFor();
    expect(await ann.page.getByText(/^Read by/).count()).toBe(1);
  });

  it('shortcuts: Ctrl+K jumps to a conversation, Up edits my last message, ? lists them all', async () => {
    const p = ann.page;
    await p.keyboard.press('Control+k');
    const switcher = p.getByRole('dialog', { name: 'Jump to a conversation' });
    await switcher.getByRole('searchbox').fill('bob');
    await p.keyboard.press('Enter');
    await switcher.waitFor({ state: 'detached' });
    await p.getByRole('heading', { name: 'Bob Builder' }).waitFor();

    await sendMessage(p, 'Typo heer');
    await messageItem(p, 'Typo heer').getByRole('img', { name: /Sent|Delivered|Read/ }).waitFor();
    await p.getByRole('textbox', { name: 'Message', exact: true }).press('ArrowUp');
    const editor = p.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('Typo here');
    await editor.press('Enter');
    await messageItem(p, 'Typo here').getByText('edited').waitFor();

    await p.locator('body').click({ position: { x: 700, y: 300 } });
    await p.keyboard.press('Shift+?');
    const help = p.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Jump to a conversation').waitFor();
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // Esc closes the details panel.
    await p.getByRole('button', { name: 'Conversation details' }).click();
    await p.getByRole('region', { name: 'Contact' }).waitFor();
    await p.locator('body').click({ position: { x: 700, y: 300 } });
    await p.keyboard.press('Escape');
    await p.getByRole('region', { name: 'Contact' }).waitFor({ state: 'detached' });

    // Alt+Down goes to the next conversation with something unread.
    const asBob = await api(e2e, bob.username);
    const readers = (await asBob('GET', '/api/conversations')).conversations.find((c: { title: string | null }) => c.title === 'Readers');
    await asBob('POST', `/api/conversations/${readers.id}/messages`, { clientMessageId: crypto.randomUUID(), kind: 'text', content: { body: 'Unread for Ann' } });
    await p.getByRole('link', { name: /Readers/ }).getByLabel('1 unread').waitFor();
    await p.keyboard.press('Alt+ArrowDown');
    await p.getByRole('heading', { name: 'Readers' }).waitFor();
  });

  it('5: exports my data and deletes my account from the app', async () => {
    const carl = await signUp(e2e, 'carl', DESKTOP, { displayName: 'Carl Leaving' });
    const p = carl.page;
    await p.getByRole('link', { name: /Profile and settings/ }).click();
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Export my data' }).click()]);
    const archive = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { format: string; profile: { username: string } };
    expect(archive.format).toBe('parley.export');
    expect(archive.profile.username).toBe(carl.username);

    await p.getByRole('button', { name: 'Delete my account' }).click();
    const dialog = p.getByRole('alertdialog', { name: 'Delete your account?' });
    await dialog.getByLabel('Your password').fill('not my password');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'That password is not right.' }).waitFor();
    await dialog.getByLabel('Your password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await p.getByRole('status').filter({ hasText: 'Your account was deleted.' }).waitFor();
    await p.getByLabel('Username').fill(carl.username);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
  });

  it('speaks Spanish to a Spanish browser, dates included', async () => {
    const context = await e2e.browser.newContext({ viewport: DESKTOP, baseURL: e2e.url, locale: 'es-ES' });
    const p = await context.newPage();
    await p.goto('/');
    await p.getByLabel('Nombre de usuario').fill(ann.username);
    await p.getByLabel('Contraseña').fill(PASSWORD);
    await p.getByRole('button', { name: 'Iniciar sesión' }).click();
    await p.getByRole('button', { name: 'Nuevo chat' }).waitFor();
    await p.getByRole('list', { name: 'Conversaciones' }).getByRole('link', { name: /Bob Builder \d/ }).click();
    await p.getByRole('list', { name: 'Mensajes' }).getByText('Hoy').waitFor();
    expect(await p.evaluate(() => document.documentElement.lang)).toBe('es');
    await context.close();
  });
});
