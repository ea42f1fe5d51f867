/**
 * Search in the browser: the box in the sidebar finds a Japanese message by a piece of
 * a word, shows the snippet with the match marked (as text, never HTML), where, who and
 * when; choosing the result opens the conversation at that message even when it is far
 * back in history (loaded around its seq), and HTML in a message stays text.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DESKTOP, PASSWORD, describeE2E, messageItem, screenshot, signUp, finishE2E, startE2E, type E2E, type UserSession } from './harness';

describeE2E('search', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;

  const api = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(e2e.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as any;
  };

  beforeAll(async () => {
    e2e = await startE2E();
    ann = await signUp(e2e, 'ann', DESKTOP);
    bob = await signUp(e2e, 'bob', DESKTOP);
    // Ann writes a long history over the API: the message to find, then many after it.
    const { accessToken } = await api('POST', '/api/auth/login', null, { username: ann.username, password: PASSWORD });
    const { users } = await api('GET', `/api/users?prefix=${bob.username}`, accessToken);
    const { conversation } = await api('POST', '/api/conversations/direct', accessToken, { userId: users[0].id });
    const send = (body: string, i: number) => api('POST', `/api/conversations/${conversation.id}/messages`, accessToken, { clientMessageId: `e2e-${i}`, kind: 'text', content: { body } });
    await send('昨日は東京タワーに行った', 0);
    await send('<b>not bold</b> tower <img src=x onerror=alert(1)>', 1);
    // More than one history page (50) after it, within the default send limit (100 per 10 s).
    for (let i = 2; i < 90; i++) await send(`filler message ${i}`, i);
  });
  afterAll(() => finishE2E(e2e));

  it('finds Japanese by part of a word and marks the match', async () => {
    const page = bob.page;
    await page.getByRole('searchbox', { name: 'Search messages' }).fill('京タワ');
    const results = page.getByRole('list', { name: 'Search results' });
    const hit = results.getByRole('link').first();
    await hit.waitFor();
    expect(await results.getByRole('link').count()).toBe(1);
    expect(await hit.locator('mark').allTextContents()).toEqual(['京タワ']);
    expect(await hit.locator('.search-hit-snippet').textContent()).toBe('昨日は東京タワーに行った');
    expect(await hit.locator('.search-hit-place').textContent()).toBe(ann.username);
    expect(await hit.locator('.search-hit-sender').textContent()).toBe(ann.username);
    expect(await hit.locator('time').count()).toBe(1);
    await screenshot(page, 'search-results');
  });

  it('opens the conversation at that message, far back in history', async () => {
    const page = bob.page;
    await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().click();
    await page.getByRole('region', { name: 'Conversation', exact: true }).waitFor();
    const item = messageItem(page, '昨日は東京タワーに行った');
    await item.waitFor();
    expect(await item.isVisible()).toBe(true);
    // The newest messages are still there below it: the window is contiguous.
    await messageItem(page, 'filler message 89').waitFor({ state: 'attached' });
    expect(page.url()).toContain('?m=');
    await screenshot(page, 'search-opened');
  });

  it('shows markup in messages as text, with the partial word marked', async () => {
    const page = bob.page;
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('');
    await box.fill('owe');
    const hit = page.getByRole('list', { name: 'Search results' }).getByRole('link').first();
    await hit.waitFor();
    expect(await hit.locator('mark').allTextContents()).toEqual(['owe']);
    expect(await hit.locator('.search-hit-snippet').textContent()).toBe('<b>not bold</b> tower <img src=x onerror=alert(1)>');
    expect(await hit.locator('b, img').count()).toBe(0);
  });

  it('says when nothing matches, and clears with Escape', async () => {
    const page = bob.page;
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('zzqqxx');
    await page.getByText('No messages found.').waitFor();
    await box.press('Escape');
    await page.getByText('No messages found.').waitFor({ state: 'detached' });
    expect(await page.getByRole('list', { name: 'Search results' }).count()).toBe(0);
  });
});
