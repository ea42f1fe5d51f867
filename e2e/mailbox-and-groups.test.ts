/**
 * Seed 002's flows: compose a titled message to a username, find it in the
 * recipient's Received list and the sender's Sent list, each opening the message in
 * its conversation; clear errors for invalid input, next to the form. Then a group of
 * three: created with members found by username, everyone chatting live, "read by N
 * of M", rename, remove and re-add a member, and a member leaving — each leaving a
 * notice in the timeline for everyone, live and after a reload.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LIMITS } from '@parley/protocol';
import { testConfig } from '../packages/server/src/testing';
import { DESKTOP, PASSWORD, PHONE, describeE2E, messageItem, pickPerson, screenshot, sendMessage, signUp, finishE2E, startE2E, watch, type E2E, type UserSession } from './harness';

/** A membership or title notice in the open conversation's timeline. */
function notice(page: UserSession['page'], text: string) {
  return page.getByRole('list', { name: 'Messages' }).locator('.timeline-notice').getByText(text, { exact: true });
}

describeE2E('compose, mailboxes and groups', () => {
  let e2e: E2E;
  let eve: UserSession;
  let fay: UserSession;
  let gus: UserSession;

  beforeAll(async () => {
    // A low login limit so the "rate limited" error can be seen without 10 attempts.
    e2e = await startE2E({ config: { rateLimits: { ...testConfig().rateLimits, login: { limit: 3, windowMs: 60_000 } } } });
    eve = await signUp(e2e, 'eve', DESKTOP);
    fay = await signUp(e2e, 'fay', PHONE);
    gus = await signUp(e2e, 'gus', DESKTOP);
  });
  afterAll(() => finishE2E(e2e));

  it('composes with a title; it shows in Received and Sent', async () => {
    const p = eve.page;
    await p.getByRole('button', { name: 'New chat' }).click();
    await pickPerson(p, 'To', fay.username, fay.username);
    await p.getByLabel('Subject (optional)').fill('Lunch on Friday?');
    await p.getByLabel('Message', { exact: true }).fill('Shall we try the new place near the station?');
    await screenshot(p, 'compose-desktop');
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    await messageItem(p, 'Shall we try the new place near the station?').getByText('Lunch on Friday?').waitFor();

    await fay.page.getByRole('link', { name: 'Received' }).click();
    const received = fay.page.getByRole('list', { name: 'Received messages' }).getByRole('link', { name: /Lunch on Friday\?/ });
    await received.waitFor();
    await screenshot(fay.page, 'received-phone');
    await received.click();
    await messageItem(fay.page, 'Shall we try the new place near the station?').waitFor();

    await p.getByRole('link', { name: 'Sent' }).click();
    const sent = p.getByRole('list', { name: 'Sent messages' }).getByRole('link', { name: /Lunch on Friday\?/ });
    await sent.waitFor();
    expect(await sent.textContent()).toContain(`To ${fay.username}`);
    await screenshot(p, 'sent-desktop');
    await sent.click();
    await messageItem(p, 'Shall we try the new place near the station?').waitFor();
  });

  it('explains invalid new-chat input next to the form', async () => {
    const p = eve.page;
    const alert = p.getByRole('alert');
    await p.getByRole('button', { name: 'New chat' }).click();
    await p.getByLabel('To', { exact: true }).fill('nobody_by_that_name');
    await p.getByText('No one found for “nobody_by_that_name”.').waitFor();
    await p.getByLabel('To', { exact: true }).fill('');

    await pickPerson(p, 'To', gus.username, gus.username);
    await p.getByLabel('Message', { exact: true }).fill('x'.repeat(LIMITS.bodyMax + 1));
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    await alert.filter({ hasText: 'Message is too long' }).waitFor();
    await p.getByLabel('Message', { exact: true }).fill('');
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    await alert.filter({ hasText: 'Message must not be empty' }).waitFor();
    await screenshot(p, 'compose-error-desktop');
  });

  it('explains sign-up and log-in errors, including rate limiting', async () => {
    const context = await e2e.browser.newContext({ viewport: PHONE, baseURL: e2e.url });
    const p = await context.newPage();
    watch(e2e, p, 'visitor');
    const alert = p.getByRole('alert');
    await p.goto('/');
    await screenshot(p, 'login-phone');
    await p.getByRole('button', { name: 'Create an account' }).click();
    await p.getByLabel('Username').fill(eve.username);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign up' }).click();
    await alert.filter({ hasText: 'That username is already taken' }).waitFor();

    await p.getByLabel('Username').fill('Not Valid!');
    await p.getByRole('button', { name: 'Sign up' }).click();
    await alert.filter({ hasText: 'lowercase letters' }).waitFor();

    await p.getByRole('button', { name: 'Log in instead' }).click();
    await p.getByLabel('Username').fill(eve.username);
    await p.getByLabel('Password').fill('wrong password');
    await p.getByRole('button', { name: 'Log in' }).click();
    await alert.filter({ hasText: 'Wrong username or password' }).waitFor();
    await screenshot(p, 'login-error-phone');
    for (let i = 0; i < 3; i++) await p.getByRole('button', { name: 'Log in' }).click();
    await alert.filter({ hasText: 'Too many attempts' }).waitFor();
    await context.close();
  });
  it('creates a group and everyone chats live', async () => {
    const p = eve.page;
    await p.getByRole('link', { name: 'Chats' }).click();
    await p.getByRole('button', { name: 'New chat' }).click();
    for (const u of [gus, fay]) await pickPerson(p, 'To', u.username, u.username);
    await p.getByLabel('Group name').fill('Study group');
    await p.getByRole('list', { name: 'Chosen people' }).getByText(fay.username).waitFor();
    await screenshot(p, 'new-group-desktop');
    await p.getByRole('button', { name: 'Create group' }).click();
    await p.getByRole('heading', { name: 'Study group' }).waitFor();

    await sendMessage(p, 'Welcome to the study group!');
    // Fay (phone) is inside a conversation: the list is another screen there.
    await fay.page.getByRole('link', { name: 'Back to conversations' }).click();
    for (const u of [gus, fay]) {
      await u.page.getByRole('link', { name: /Study group/ }).click();
      await messageItem(u.page, 'Welcome to the study group!').waitFor();
    }
    // Both others have it open: read by 2 of 2.
    await messageItem(p, 'Welcome to the study group!').getByText('Read by 2 of 2').waitFor();
    await sendMessage(gus.page, 'Hi all, Gus here');
    await messageItem(fay.page, 'Hi all, Gus here').waitFor();
    await messageItem(p, 'Hi all, Gus here').waitFor();
    await sendMessage(fay.page, 'Fay too');
    await messageItem(gus.page, 'Fay too').waitFor();
    await messageItem(p, 'Fay too').waitFor();
    await screenshot(p, 'group-desktop');
    await screenshot(fay.page, 'group-phone');
  });

  it('renames, removes and re-adds a member, and a member leaves', async () => {
    const p = eve.page;
    await p.getByRole('button', { name: 'Conversation details' }).click();
    await p.getByLabel('Group name').fill('Exam prep');
    await p.getByRole('button', { name: 'Rename' }).click();
    await gus.page.getByRole('heading', { name: 'Exam prep' }).waitFor();
    await notice(gus.page, `${eve.username} renamed the group to “Exam prep”`).waitFor();

    await p.getByRole('button', { name: `Options for ${fay.username}` }).click();
    await p.getByRole('menuitem', { name: 'Remove from group' }).click();
    // Fay keeps the conversation, read-only, and is told why.
    await fay.page.getByRole('status').filter({ hasText: 'You were removed from this group' }).waitFor();
    await gus.page.getByText('2 members').waitFor();

    await pickPerson(p, 'Add people', fay.username, fay.username);
    await gus.page.getByText('3 members').waitFor();
    await notice(gus.page, `${eve.username} removed ${fay.username}`).waitFor();
    await notice(gus.page, `${eve.username} added ${fay.username}`).waitFor();
    // A new group shows new members what is said from their join on (the default).
    const history = p.getByRole('radiogroup', { name: 'New members see' });
    expect(await history.getByRole('radio', { name: 'From when they join' }).isChecked()).toBe(true);
    await screenshot(p, 'group-details-desktop');
    // The owner opens the whole history to people added from now on (Fay's new membership keeps its start).
    await history.getByText('All messages').click(); // the radio input itself is visually hidden
    await p.getByText('History setting saved').waitFor();
    // Fay is back in, live: the conversation reappears where she is looking, its notices loaded with its history...
    await fay.page.getByRole('heading', { name: 'Exam prep' }).waitFor();
    await notice(fay.page, `${eve.username} added you`).waitFor();
    // ...which starts at her new join: nothing from before, not even from her first membership.
    await fay.page.getByText('You see this group’s messages from when you joined.').waitFor();
    const fayTimeline = fay.page.getByRole('list', { name: 'Messages' });
    expect(await fayTimeline.getByText('Welcome to the study group!').count()).toBe(0);
    expect(await fayTimeline.getByText('renamed the group').count()).toBe(0);
    await fay.page.getByRole('link', { name: 'Back to conversations' }).click();
    await fay.page.getByRole('link', { name: /Exam prep/ }).waitFor();

    await sendMessage(gus.page, 'Gus signing off');
    // Committed and fanned out: Fay's conversation list shows it as the last message.
    await fay.page.getByRole('link', { name: /Exam prep/ }).getByText(`${gus.username}: Gus signing off`).waitFor();
    await gus.page.getByRole('button', { name: 'Conversation details' }).click();
    // The member list first: counted before it rendered, no buttons would prove nothing.
    await gus.page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: eve.username }).waitFor();
    expect(await gus.page.getByRole('button', { name: /^Options for / }).count()).toBe(0);
    // Gus took the setting live; a plain member sees it and cannot change it.
    const gusHistory = gus.page.getByRole('radiogroup', { name: 'New members see' });
    await gusHistory.getByRole('radio', { name: 'All messages', checked: true }).waitFor({ state: 'attached' });
    expect(await gusHistory.getByRole('radio', { name: 'From when they join' }).isDisabled()).toBe(true);
    await gus.page.getByRole('button', { name: 'Leave group' }).click();
    await gus.page.getByRole('link', { name: /Exam prep/ }).waitFor({ state: 'detached' });
    await p.getByRole('list', { name: 'Members' }).getByText(gus.username).waitFor({ state: 'detached' });
    // Eve was on the details screen meanwhile: her timeline took the events live.
    await p.getByRole('link', { name: /Exam prep/ }).click();
    await notice(p, `${gus.username} left`).waitFor();
    await notice(p, 'You renamed the group to “Exam prep”').waitFor();
    await notice(p, `You added ${fay.username}`).waitFor();

    // After a reload the notices come from the log, in seq order among the messages.
    const expected = [
      `You created the group “Study group”`,
      'Welcome to the study group!',
      'Hi all, Gus here',
      'Fay too',
      `You renamed the group to “Exam prep”`,
      `You removed ${fay.username}`,
      `You added ${fay.username}`,
      `${gus.username} left`,
    ];
    await p.reload();
    await notice(p, `${gus.username} left`).waitFor();
    const timeline = (await p.getByRole('list', { name: 'Messages' }).getByRole('listitem').allInnerTexts()).map((t) => t.trim());
    const found = expected.map((text) => timeline.findIndex((t) => t.includes(text)));
    expect(found.every((i) => i >= 0), JSON.stringify(timeline)).toBe(true);
    expect([...found].sort((a, b) => a - b)).toEqual(found);
    // Gus left, so he is not in the member list any more: his message still carries his name,
    // in the timeline and in the conversation list's preview of the last message.
    await messageItem(p, 'Hi all, Gus here').locator('.message-sender').getByText(gus.username, { exact: true }).waitFor();
    await p.getByRole('link', { name: /Exam prep/ }).getByText(`${gus.username}: Gus signing off`).waitFor();
    await screenshot(p, 'group-notices-desktop');

    await fay.page.reload();
    await fay.page.getByRole('link', { name: /Exam prep/ }).click();
    await notice(fay.page, `${gus.username} left`).waitFor();
    await notice(fay.page, `${eve.username} added you`).waitFor();
    // Her reading starts at the re-join: her earlier membership is not shown again.
    expect(await fay.page.getByRole('list', { name: 'Messages' }).getByText(`${eve.username} removed you`).count()).toBe(0);
  }, 120_000); // three browsers, many steps: a cap for a loaded machine, not a measure

  it('shows every notice of a history page, even past one page of events', async () => {
    // A fresh user: the edits below would spend much of another user's request budget.
    const ivy = await signUp(e2e, 'ivy', DESKTOP);
    const token = await ivy.page.evaluate(() => (JSON.parse(localStorage.getItem('parley.session') ?? '{}') as { accessToken?: string }).accessToken);
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${e2e.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return (await res.json()) as any;
    };
    // Away from the app while the edits are made: 510 live events re-rendering a page
    // would only slow a loaded machine down; the notices are read from history below.
    await ivy.page.goto('about:blank');
    const conv = (await call('POST', '/api/conversations/group', { title: 'Notebook' })).conversation.id as string;
    const first = (await call('POST', `/api/conversations/${conv}/messages`, { clientMessageId: 'nb-1', kind: 'text', content: { body: 'draft' } })).message;
    // More events than one events request returns, all between the page's two messages.
    for (let i = 1; i <= LIMITS.syncEventsMax + 10; i++) await call('PATCH', `/api/conversations/${conv}/messages/${first.id}`, { kind: 'text', content: { body: `draft ${i}` } });
    await call('PATCH', `/api/conversations/${conv}`, { title: 'Final notebook' });
    await call('POST', `/api/conversations/${conv}/messages`, { clientMessageId: 'nb-2', kind: 'text', content: { body: 'done' } });

    await ivy.page.goto('/');
    await ivy.page.getByRole('link', { name: /Final notebook/ }).click();
    await messageItem(ivy.page, 'done').waitFor();
    await notice(ivy.page, 'You renamed the group to “Final notebook”').waitFor();
  }, 240_000); // 511 requests one after another: a cap for a loaded machine, not a measure
});
