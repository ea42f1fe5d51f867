/**
 * One browser loses the network while the other keeps talking. The offline one must
 * show it, keep what it types in the outbox (with a clock), and when the network is
 * back send it once and receive everything it missed exactly once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DESKTOP, PHONE, describeE2E, messageItem, online, openDirect, screenshot, sendMessage, signUp, startE2E, type E2E, type UserSession } from './harness';

describeE2E('offline and back', () => {
  let e2e: E2E;
  let cat: UserSession;
  let dan: UserSession;

  beforeAll(async () => {
    e2e = await startE2E();
    cat = await signUp(e2e, 'cat', DESKTOP);
    dan = await signUp(e2e, 'dan', PHONE);
    await openDirect(cat.page, dan.username);
    await sendMessage(cat.page, 'Before the outage');
    await dan.page.getByRole('link', { name: new RegExp(cat.username) }).click();
    await messageItem(dan.page, 'Before the outage').waitFor();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('queues while offline and catches up exactly once when back', async () => {
    await dan.context.setOffline(true);
    await dan.page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
    // The socket really dropped: the server marked Dan offline and told Cat.
    await cat.page.getByText(/last seen/).waitFor();

    await sendMessage(cat.page, 'Sent while you were away 1');
    await sendMessage(cat.page, 'Sent while you were away 2');
    await sendMessage(dan.page, 'Typed while offline');
    await messageItem(dan.page, 'Typed while offline').getByRole('img', { name: 'Sending' }).waitFor();
    await dan.page.getByText('1 message waiting to send').waitFor();
    await screenshot(dan.page, 'offline-phone');
    expect(await messageItem(dan.page, 'Sent while you were away 1').count()).toBe(0);

    await dan.context.setOffline(false);
    await online(dan.page);
    await messageItem(dan.page, 'Sent while you were away 1').waitFor();
    await messageItem(dan.page, 'Sent while you were away 2').waitFor();
    await messageItem(cat.page, 'Typed while offline').waitFor();
    await messageItem(dan.page, 'Typed while offline').getByRole('img', { name: 'Sending' }).waitFor({ state: 'detached' });
    await cat.page.getByText('online', { exact: true }).waitFor();

    for (const [page, text] of [
      [dan.page, 'Sent while you were away 1'],
      [dan.page, 'Sent while you were away 2'],
      [dan.page, 'Typed while offline'],
      [cat.page, 'Typed while offline'],
      [dan.page, 'Before the outage'],
    ] as const) {
      expect(await messageItem(page, text).count(), text).toBe(1);
    }
    // And still once after a reload, from the server's own history.
    await cat.page.reload();
    await messageItem(cat.page, 'Typed while offline').waitFor();
    expect(await messageItem(cat.page, 'Typed while offline').count()).toBe(1);
  });
});
