/**
 * Notifications in the browser: the bell counts unread notifications live (being added
 * to a group, a new message), its panel lists them and opens the conversation, more
 * messages in a conversation update its one notification ("2 new messages in …"), "Mark
 * all read" clears the count, a conversation open in the tab is not notified (the app
 * reports its focus) while another one is, and the mute toggle and the "Enable
 * notifications" setting are there. (Headless Chromium has no push service to subscribe
 * to: browser push itself is tested against a local endpoint in packages/server.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DESKTOP, PASSWORD, describeE2E, messageItem, screenshot, signUp, finishE2E, startE2E, type E2E, type UserSession } from './harness';

describeE2E('notifications', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;
  let token: string;
  let direct: string;
  let group: string;
  let n = 0;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(e2e.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as any;
  };
  const send = (conversationId: string, body: string) => api('POST', `/api/conversations/${conversationId}/messages`, { clientMessageId: `e2e-ntf-${++n}`, kind: 'text', content: { body } });
  const bell = () => bob.page.getByRole('button', { name: /^Notifications/ });
  const panel = () => bob.page.getByRole('dialog', { name: 'Notifications' });

  beforeAll(async () => {
    e2e = await startE2E();
    ann = await signUp(e2e, 'ann', DESKTOP);
    bob = await signUp(e2e, 'bob', DESKTOP);
    const login = await fetch(e2e.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ann.username, password: PASSWORD }) });
    token = ((await login.json()) as { accessToken: string }).accessToken;
    const { users } = await api('GET', `/api/users?prefix=${bob.username}`);
    direct = (await api('POST', '/api/conversations/direct', { userId: users[0].id })).conversation.id;
    group = (await api('POST', '/api/conversations/group', { title: 'Book club', memberIds: [users[0].id] })).conversation.id;
  });
  afterAll(() => finishE2E(e2e));

  it('counts being added to a group live; the panel lists it; mark all read clears the count', async () => {
    await bob.page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
    await bell().click();
    const item = panel().getByRole('listitem').first();
    expect(await item.locator('.notification-title').textContent()).toBe(`${ann.username} added you to Book club`);
    await screenshot(bob.page, 'notifications-panel');
    await panel().getByRole('button', { name: 'Mark all read' }).click();
    await bob.page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    expect(await bob.page.getByTestId('notification-count').count()).toBe(0);
    await bell().click();
  });

  it('a new message rings the bell; opening it goes to the conversation and reads it', async () => {
    await send(direct, 'hello bob');
    await bob.page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
    expect(await bob.page.getByTestId('notification-count').textContent()).toBe('1');
    await bell().click();
    const item = panel().getByRole('listitem').filter({ hasText: 'hello bob' });
    expect(await item.locator('.notification-title').textContent()).toBe(ann.username);
    await item.getByRole('button', { name: new RegExp(ann.username) }).first().click();
    await bob.page.getByRole('region', { name: 'Conversation', exact: true }).waitFor();
    await messageItem(bob.page, 'hello bob').waitFor();
    await bob.page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
  });

  it('the conversation open in the tab is not notified; another one is', async () => {
    // Bob still has the direct conversation open: the app told the server (focus).
    await send(direct, 'while you look');
    await send(group, 'meanwhile in the club');
    await messageItem(bob.page, 'while you look').waitFor();
    await bob.page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
    await bell().click();
    const unread = panel().locator('.notification.unread');
    expect(await unread.count()).toBe(1);
    expect(await unread.locator('.notification-preview').textContent()).toBe('meanwhile in the club');
    expect(await panel().getByText('while you look').count()).toBe(0);
    // Another message there updates that notification (live, the panel open): it counts them.
    await send(group, 'and another one');
    await unread.locator('.notification-title', { hasText: '2 new messages in Book club' }).waitFor();
    expect(await unread.count()).toBe(1);
    expect(await unread.locator('.notification-preview').textContent()).toBe('and another one');
    expect(await bob.page.getByTestId('notification-count').textContent()).toBe('1');
    await bell().click();
  });

  it('offers muting in the conversation details and enabling browser notifications in settings', async () => {
    const page = bob.page;
    await page.goto(`/c/${direct}/info`);
    const mute = page.getByRole('checkbox', { name: 'Mute notifications' });
    await expect.poll(() => mute.isEnabled()).toBe(true);
    expect(await mute.isChecked()).toBe(false);
    await mute.click(); // checked once the server agreed (a controlled box)
    await expect.poll(() => mute.isChecked()).toBe(true);
    // Mute is Bob's alone: Ann's stays off.
    expect(await api('GET', `/api/conversations/${direct}/mute`)).toEqual({ muted: false });
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Mute notifications' }).isChecked()).toBe(true);

    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'Browser notifications' });
    await section.waitFor();
    await expect.poll(async () => (await section.getByRole('button', { name: 'Enable notifications' }).count()) + (await section.getByText('does not support').count())).toBe(1);
    await screenshot(page, 'notifications-settings');
  });
});
