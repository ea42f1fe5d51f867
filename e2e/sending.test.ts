/**
 * Issue 18, items 1, 3, 6 and 7 (the chat itself): my own message is never sent out of
 * view, an image keeps the view at the end, others' news while I read back shows as a
 * "new messages" button; a refused send keeps its text; delete for everyone asks first and
 * archive can be undone; bubbles are compact, read status is said once, times read the
 * locale's way.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { testRateLimits } from '../packages/server/src/test-support/users';
import { DESKTOP, PASSWORD, api, describeE2E, finishE2E, messageItem, openConversation, sendMessage, signUp, startChat, startE2E, type E2E, type UserSession } from './harness';

/** How far the message list is from its end, in pixels (0: at the end). */
const fromEnd = (page: Page) => page.locator('.message-scroller').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

/** Whether the element is inside the message list's visible area. */
const inView = (page: Page, text: string) =>
  messageItem(page, text).evaluate((li) => {
    const box = li.getBoundingClientRect();
    const view = li.closest('.message-scroller')!.getBoundingClientRect();
    return box.bottom <= view.bottom + 1 && box.top >= view.top - 1;
  });

describeE2E('sending in a long chat', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;
  let say: (text: string) => Promise<void>;

  beforeAll(async () => {
    e2e = await startE2E({ config: { rateLimits: testRateLimits(), contentFilter: { words: ['spamword'], maxLinks: 5, blockedDomains: [], repeatMax: 3, repeatWindowSec: 60 } } });
    ann = await signUp(e2e, 'ann', DESKTOP, { displayName: 'Ann Example' });
    bob = await signUp(e2e, 'bob', DESKTOP, { displayName: 'Bob Builder' });
    await startChat(ann.page, bob.username, 'Hi Bob');
    const asBob = await api(e2e, bob.username);
    const { conversations } = await asBob('GET', '/api/conversations');
    const id = conversations[0].id as string;
    say = async (text) => void (await asBob('POST', `/api/conversations/${id}/messages`, { clientMessageId: crypto.randomUUID(), kind: 'text', content: { body: text } }));
    for (let i = 1; i <= 60; i++) await say(`Line ${i} of a long story`);
    await messageItem(ann.page, 'Line 60 of a long story').waitFor();
  });
  afterAll(() => finishE2E(e2e));

  it('1: brings my own message into view, counts others’ news on a button, and stays at the end when an image loads', async () => {
    const p = ann.page;
    await p.locator('.message-scroller').evaluate((el) => el.scrollTo(0, 0));
    await expect.poll(() => fromEnd(p)).toBeGreaterThan(500);
    await p.getByRole('button', { name: 'Jump to latest' }).waitFor();

    // Someone else writes while I read back: I stay where I am, and a button says so.
    await p.locator('.message-scroller').evaluate((el) => el.scrollTo(0, 200));
    await say('News while you read');
    await p.getByRole('button', { name: '1 new message' }).waitFor();
    expect(await fromEnd(p)).toBeGreaterThan(500);

    // I write: the view goes to my message.
    await sendMessage(p, 'Mine, at the end');
    await messageItem(p, 'Mine, at the end').getByRole('img', { name: /Sent|Delivered|Read/ }).waitFor();
    await expect.poll(() => inView(p, 'Mine, at the end')).toBe(true);
    await expect.poll(() => fromEnd(p)).toBeLessThan(2);

    // An image that loads after it is shown keeps the view at the very end.
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 140, b: 220 } } }).png().toBuffer();
    await p.getByLabel('Choose files to attach').setInputFiles({ name: 'sky.png', mimeType: 'image/png', buffer: png });
    await p.getByTestId('pending-upload').getByText('sky.png').waitFor();
    await expect.poll(() => p.getByRole('progressbar').count()).toBe(0);
    await p.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    const img = p.getByRole('list', { name: 'Messages' }).getByTestId('attachment-image');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    await expect.poll(() => fromEnd(p)).toBeLessThan(2);
  });

  it('3: a refused send keeps its text as a failed message to retry, edit or copy', async () => {
    const p = ann.page;
    await sendMessage(p, 'buy spamword now');
    const failed = p.getByRole('listitem', { name: 'Message not sent' });
    await failed.getByText('buy spamword now').waitFor();
    await failed.getByRole('alert').filter({ hasText: 'Not sent: The message was rejected by the spam filter.' }).waitFor();
    for (const name of ['Retry', 'Edit', 'Copy', 'Delete']) await failed.getByRole('button', { name, exact: true }).waitFor();
    await failed.getByRole('button', { name: 'Edit', exact: true }).click();
    const box = p.getByRole('textbox', { name: 'Message', exact: true });
    await expect.poll(() => box.inputValue()).toBe('buy spamword now');
    expect(await failed.count()).toBe(0);
    await box.fill('buy nothing now');
    await box.press('Enter');
    await messageItem(p, 'buy nothing now').getByRole('img', { name: /Sent|Delivered|Read/ }).waitFor();
  });

  it('6: delete for everyone asks first; archive can be undone', async () => {
    const p = ann.page;
    await sendMessage(p, 'Oops, wrong chat');
    const mine = messageItem(p, 'Oops, wrong chat');
    await mine.getByRole('img', { name: /Sent|Delivered|Read/ }).waitFor();
    await mine.getByRole('button', { name: 'Message options' }).click();
    await p.getByRole('menuitem', { name: 'Delete for everyone' }).click();
    const confirm = p.getByRole('alertdialog', { name: 'Delete for everyone?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await mine.count()).toBe(1);
    await mine.getByRole('button', { name: 'Message options' }).click();
    await p.getByRole('menuitem', { name: 'Delete for everyone' }).click();
    await confirm.getByRole('button', { name: 'Delete for everyone' }).click();
    await p.getByText('This message was deleted').waitFor();

    await p.getByRole('button', { name: 'Archive conversation' }).click();
    const toast = p.getByRole('status').filter({ hasText: 'Conversation archived' });
    await toast.waitFor();
    await toast.getByRole('button', { name: 'Undo' }).click();
    await p.getByRole('button', { name: 'Unarchive conversation' }).waitFor({ state: 'detached' }).catch(() => {});
    await p.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Bob Builder/ }).waitFor();
  });

  it('7: one-line bubbles are compact, read status is said once, times are the locale’s', async () => {
    const p = ann.page;
    await openConversation(p, /Bob Builder/);
    await sendMessage(p, 'Short');
    const bubble = messageItem(p, 'Short').locator('.bubble');
    await bubble.waitFor();
    const height = (await bubble.boundingBox())!.height;
    expect(height).toBeGreaterThanOrEqual(28);
    expect(height).toBeLessThanOrEqual(36);
    // Ticks on my messages, but a group's "read by" only under my newest (checked in groups); no padded hour.
    const time = (await messageItem(p, 'Short').locator('time').textContent())!.trim();
    expect(time).toMatch(/^(1[0-2]|[1-9]):[0-5]\d\s?(AM|PM)$/);
    // The same message in a British English browser reads 24-hour.
    const gb = await e2e.browser.newContext({ viewport: DESKTOP, baseURL: e2e.url, locale: 'en-GB' });
    const page = await gb.newPage();
    await page.goto('/');
    await page.getByLabel('Username').fill(ann.username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await openConversation(page, /Bob Builder/);
    expect((await messageItem(page, 'Short').locator('time').textContent())!.trim()).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    await gb.close();
  });
});
