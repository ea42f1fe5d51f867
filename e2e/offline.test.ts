/**
 * The installable, offline-first app in a real browser: the service worker serves the
 * shell with no network, the app opens from its IndexedDB cache (list and last messages),
 * a message with an image sent offline waits in the outbox and arrives exactly once when
 * the network is back; the manifest and its icons; a notification click's message moves
 * an open window to the conversation in place.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, describeE2E, finishE2E, messageItem, online, screenshot, sendMessage, signUp, startChat, startE2E, type E2E, type UserSession } from './harness';

/** Whether a service worker controls the page (after its first activation it claims open pages). */
async function controlled(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
}

/** How many messages of the logged-in user the SDK's IndexedDB cache holds, all conversations together. */
async function cachedMessages(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const userId = (JSON.parse(localStorage.getItem('parley.session') ?? 'null') as { user: { id: string } } | null)?.user.id;
        const open = indexedDB.open('parley-cache');
        open.onerror = () => resolve(-1);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('conversations') || !userId) {
            db.close();
            return resolve(0);
          }
          const req = db.transaction('conversations').objectStore('conversations').getAll(IDBKeyRange.bound([userId], [userId, []]));
          req.onsuccess = () => {
            db.close();
            resolve((req.result as { messages: unknown[] }[]).reduce((n, r) => n + r.messages.length, 0));
          };
        };
      }),
  );
}

describeE2E('offline: installable app shell, cached conversations, queued sends', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;

  beforeAll(async () => {
    e2e = await startE2E();
    ann = await signUp(e2e, 'ann', PHONE);
    bob = await signUp(e2e, 'bob', DESKTOP);
  });
  afterAll(() => finishE2E(e2e));

  it('serves a valid manifest whose icons resolve, linked from the page with a theme colour', async () => {
    const page = ann.page;
    expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/manifest.webmanifest');
    // One theme colour per colour scheme (light and dark).
    const themeColors = await page.locator('meta[name="theme-color"]').evaluateAll((els) => els.map((e) => [e.getAttribute('media'), e.getAttribute('content')]));
    expect(themeColors.map(([media]) => media)).toEqual(['(prefers-color-scheme: light)', '(prefers-color-scheme: dark)']);
    for (const [, color] of themeColors) expect(color).toMatch(/^#[0-9a-f]{6}$/i);
    const res = await ann.context.request.get('/manifest.webmanifest');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      scope: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Parley', short_name: 'Parley', start_url: '/', scope: '/', display: 'standalone' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    const png = manifest.icons.filter((i) => i.type === 'image/png');
    expect(png.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of png) {
      const r = await ann.context.request.get(icon.src);
      expect(r.status()).toBe(200);
      expect(r.headers()['content-type']).toBe('image/png');
      const meta = await sharp(await r.body()).metadata();
      expect(`${meta.width}x${meta.height}`).toBe(icon.sizes);
    }
  });

  it('reloads with no network from the service worker and the cache, sends an image offline, and it arrives exactly once', async () => {
    // A conversation with history on both sides.
    await startChat(ann.page, bob.username, 'Are we still on for tonight?');
    await bob.page.getByRole('link', { name: new RegExp(ann.username) }).click();
    await messageItem(bob.page, 'Are we still on for tonight?').waitFor();
    await sendMessage(bob.page, 'Yes, 8 pm at the station');
    await messageItem(ann.page, 'Yes, 8 pm at the station').waitFor();
    const conversationPath = new URL(ann.page.url()).pathname;

    // Installed: the worker controls the page, and the store is saved to IndexedDB (half a second after it changes).
    await expect.poll(() => controlled(ann.page)).toBe(true);
    await expect.poll(() => cachedMessages(ann.page)).toBe(2);

    await ann.context.setOffline(true);
    await ann.page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
    const precachedAt = await ann.page.evaluate(async () => {
      const name = (await caches.keys()).find((k) => k.startsWith('parley-shell-'));
      return name ? ((await (await caches.open(name)).match('/index.html'))?.headers.get('date') ?? null) : null;
    });
    expect(precachedAt).not.toBeNull();
    // The shell comes from the worker's cache (the copy fetched at install, with its Date), not from the network.
    const response = await ann.page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    expect(response?.headers()['date']).toBe(precachedAt);
    expect(await ann.page.evaluate(() => navigator.onLine)).toBe(false);
    await ann.page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
    expect(new URL(ann.page.url()).pathname).toBe(conversationPath);
    await messageItem(ann.page, 'Are we still on for tonight?').waitFor();
    await messageItem(ann.page, 'Yes, 8 pm at the station').waitFor();
    await ann.page.getByRole('link', { name: 'Back to conversations' }).click();
    await ann.page.getByRole('link', { name: new RegExp(bob.username) }).waitFor();
    await screenshot(ann.page, 'offline-list-phone');
    await ann.page.getByRole('link', { name: new RegExp(bob.username) }).click();

    // An image picked and sent with no network: it waits with the message.
    const image = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
    await ann.page.getByLabel('Choose files to attach').setInputFiles({ name: 'station.png', mimeType: 'image/png', buffer: image });
    await ann.page.getByTestId('pending-upload').getByText('uploads when online').waitFor();
    await sendMessage(ann.page, 'Sent from the tunnel');
    const pending = messageItem(ann.page, 'Sent from the tunnel');
    await pending.getByRole('img', { name: 'Sending' }).waitFor();
    await pending.getByTestId('pending-attachments').getByText('1 file').waitFor();
    await screenshot(ann.page, 'offline-pending-phone');
    const clientMessageId = await ann.page.evaluate(() => (JSON.parse(localStorage.getItem('parley.outbox')!) as { items: { clientMessageId: string }[] }).items[0]!.clientMessageId);
    expect(await messageItem(bob.page, 'Sent from the tunnel').count()).toBe(0);

    await ann.context.setOffline(false);
    await online(ann.page);
    await pending.getByRole('img', { name: 'Sending' }).waitFor({ state: 'detached' });
    await messageItem(ann.page, 'Sent from the tunnel').getByTestId('attachment-image').waitFor();
    const seen = messageItem(bob.page, 'Sent from the tunnel');
    await seen.getByTestId('attachment-image').waitFor();
    await screenshot(bob.page, 'offline-delivered-desktop');
    expect(await seen.count()).toBe(1);
    expect(await messageItem(ann.page, 'Sent from the tunnel').count()).toBe(1);

    // The server's history: one message with that clientMessageId, with one attachment.
    const { token, conversationId } = await bob.page.evaluate(() => ({
      token: (JSON.parse(localStorage.getItem('parley.session')!) as { accessToken: string }).accessToken,
      conversationId: decodeURIComponent(location.pathname.split('/')[2]!),
    }));
    const res = await fetch(`${e2e.url}/api/conversations/${conversationId}/messages?limit=50`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const history = (await res.json()) as { messages: { clientMessageId: string; attachments?: { name: string; kind: string }[] }[] };
    const stored = history.messages.filter((m) => m.clientMessageId === clientMessageId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.attachments).toMatchObject([{ name: 'station.png', kind: 'image' }]);
  });

  it("a notification click's message moves an open window to the conversation, in place", async () => {
    const page = bob.page;
    await page.getByRole('button', { name: 'New chat' }).click();
    const target = `/c/${encodeURIComponent('some-conversation')}?m=m1`;
    // What sw.js posts to a window (see notificationTarget there, unit-tested in apps/web/src/offline/sw.test.ts).
    const marker = await page.evaluate((url) => {
      (window as unknown as { marker: number }).marker = 42;
      navigator.serviceWorker.dispatchEvent(new MessageEvent('message', { data: { type: 'parley:navigate', url } }));
      return location.pathname + location.search;
    }, target);
    expect(marker).toBe(target);
    // Same document: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });
});
