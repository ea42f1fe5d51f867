/**
 * Attachments in the browser: attach an image from the composer's file picker (with
 * upload progress, then a preview chip), send it, and see it inline on both sides
 * through signed links (an <img> cannot send the token); drop a file onto the composer
 * and see it as a chip with name and size; send a file while offline (it waits in the
 * outbox like text and arrives once), and see a refused file fail the send.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DESKTOP, PHONE, describeE2E, messageItem, online, startChat, screenshot, sendMessage, signUp, finishE2E, startE2E, type E2E, type UserSession } from './harness';

describeE2E('attachments', () => {
  let e2e: E2E;
  let ann: UserSession;
  let bob: UserSession;

  beforeAll(async () => {
    e2e = await startE2E();
    ann = await signUp(e2e, 'ann', DESKTOP);
    bob = await signUp(e2e, 'bob', PHONE);
  });
  afterAll(() => finishE2E(e2e));

  it('attaches an image from the file picker; both sides see it inline', async () => {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 140, b: 220 } } }).png().toBuffer();
    await startChat(ann.page, bob.username, 'Hi Bob, a picture is coming');
    await ann.page.getByLabel('Choose files to attach').setInputFiles({ name: 'sky.png', mimeType: 'image/png', buffer: png });
    const chip = ann.page.getByTestId('pending-upload');
    await chip.getByText('sky.png').waitFor();
    // Uploaded: the progress bar is gone and the size shows.
    await chip.getByRole('progressbar').waitFor({ state: 'detached' });
    await chip.getByText(/KB/).waitFor();

    const box = ann.page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('The sky today');
    await box.press('Enter');
    const sent = messageItem(ann.page, 'The sky today');
    const img = sent.getByTestId('attachment-image');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(320);
    expect(await img.getAttribute('src')).toMatch(/\/thumbnail\?u=[\w-]+&exp=\d+&sig=/);
    await expect.poll(() => chip.count()).toBe(0);

    await bob.page.getByRole('link', { name: new RegExp(ann.username) }).click();
    const seen = messageItem(bob.page, 'The sky today').getByTestId('attachment-image');
    await seen.waitFor();
    await expect.poll(() => seen.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(320);
    // The full image opens from a signed link, without the page's token.
    const full = await seen.evaluate((el) => (el.closest('a') as HTMLAnchorElement).href);
    const res = await bob.context.request.get(full);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
    await screenshot(bob.page, 'attachment-image-phone');
  });

  it('a file dropped on the composer is sent as a chip with name and size', async () => {
    const composer = ann.page.getByRole('form', { name: 'Send a message' });
    const drop = await ann.page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['quarterly numbers\n'.repeat(100)], 'report.csv', { type: 'text/csv' }));
      return dt;
    });
    await composer.dispatchEvent('dragover', { dataTransfer: drop });
    await composer.dispatchEvent('drop', { dataTransfer: drop });
    const chip = ann.page.getByTestId('pending-upload');
    await chip.getByText('report.csv').waitFor();
    await chip.getByRole('progressbar').waitFor({ state: 'detached' });
    // No text: the message says what is attached.
    await ann.page.getByRole('button', { name: 'Send' }).click();
    const file = messageItem(ann.page, 'report.csv').getByTestId('attachment-file');
    await file.waitFor();
    await file.getByText('1.8 KB').waitFor();
    await messageItem(bob.page, 'report.csv').getByTestId('attachment-file').waitFor();
    await screenshot(ann.page, 'attachment-file-desktop');
  });

  /** Picks a small text file in Ann's composer and waits until it is uploaded. */
  async function attachText(name: string, text: string) {
    await ann.page.getByLabel('Choose files to attach').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
    const chip = ann.page.getByTestId('pending-upload');
    await chip.getByText(name).waitFor();
    await chip.getByRole('progressbar').waitFor({ state: 'detached' });
    return chip;
  }

  async function goOffline(user: UserSession) {
    await user.context.setOffline(true);
    await user.page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
  }

  it('a file sent while offline waits in the outbox with its message and arrives once when back', async () => {
    const chip = await attachText('minutes.txt', 'minutes of the meeting\n'.repeat(40));
    await goOffline(ann);
    await sendMessage(ann.page, 'Minutes from today');
    const item = messageItem(ann.page, 'Minutes from today');
    await item.getByRole('img', { name: 'Sending' }).waitFor();
    await item.getByTestId('pending-attachments').getByText('1 file').waitFor();
    await ann.page.getByText('1 message waiting to send').waitFor();
    await expect.poll(() => chip.count()).toBe(0);
    await screenshot(ann.page, 'attachment-offline-desktop');
    expect(await messageItem(bob.page, 'Minutes from today').count()).toBe(0);

    await ann.context.setOffline(false);
    await online(ann.page);
    await item.getByTestId('attachment-file').getByText('minutes.txt').waitFor();
    await item.getByRole('img', { name: 'Sending' }).waitFor({ state: 'detached' });
    await messageItem(bob.page, 'Minutes from today').getByTestId('attachment-file').getByText('minutes.txt').waitFor();
    expect(await messageItem(ann.page, 'Minutes from today').count()).toBe(1);
    expect(await messageItem(bob.page, 'Minutes from today').count()).toBe(1);
  });

  it('a queued file that is gone when the connection is back fails the send with a reason, instead of retrying', async () => {
    await attachText('draft.txt', 'first draft');
    await goOffline(ann);
    await sendMessage(ann.page, 'The draft');
    await messageItem(ann.page, 'The draft').getByRole('img', { name: 'Sending' }).waitFor();
    // Meanwhile the upload disappears (as when the orphan sweep removes an old one):
    // deleted by its owner from outside the (offline) browser.
    const { token, attachmentId } = await ann.page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('parley.session')!) as { accessToken: string };
      const outbox = JSON.parse(localStorage.getItem('parley.outbox')!) as { items: { attachmentIds: string[] }[] };
      return { token: session.accessToken, attachmentId: outbox.items[0]!.attachmentIds[0]! };
    });
    const res = await fetch(`${e2e.url}/api/attachments/${attachmentId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);

    await ann.context.setOffline(false);
    await online(ann.page);
    // Refused for good: the text stays as a failed message (to retry, edit or copy), never stored.
    const failed = ann.page.getByRole('listitem', { name: 'Message not sent' });
    await failed.getByText('Not sent: A file could not be attached (it expired or was already sent). Attach it again.').waitFor();
    await failed.getByText('The draft').waitFor();
    await expect.poll(() => messageItem(ann.page, 'The draft').count()).toBe(1);
    expect(await ann.page.evaluate(() => localStorage.getItem('parley.outbox'))).toBeNull();
    expect(await messageItem(bob.page, 'The draft').count()).toBe(0);
  });
});
