/**
 * A group of three: create it with members found by username search, everyone chats
 * live, "read by N of M" ticks, rename, remove and add a member, and leave.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DESKTOP, PHONE, describeE2E, messageItem, screenshot, sendMessage, signUp, startE2E, type E2E, type UserSession } from './harness';

describeE2E('a group of three', () => {
  let e2e: E2E;
  let gus: UserSession;
  let hal: UserSession;
  let ivy: UserSession;

  beforeAll(async () => {
    e2e = await startE2E();
    [gus, hal, ivy] = [await signUp(e2e, 'gus', DESKTOP), await signUp(e2e, 'hal', DESKTOP), await signUp(e2e, 'ivy', PHONE)];
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('creates a group and everyone chats live', async () => {
    const p = gus.page;
    await p.getByRole('link', { name: 'New group' }).click();
    await p.getByLabel('Group name').fill('Study group');
    for (const u of [hal, ivy]) {
      await p.getByLabel('Add members').fill(u.username);
      await p.getByRole('button', { name: `Add ${u.username}` }).click();
    }
    await p.getByRole('list', { name: 'Selected members' }).getByText(ivy.username).waitFor();
    await screenshot(p, 'new-group-desktop');
    await p.getByRole('button', { name: 'Create group' }).click();
    await p.getByRole('heading', { name: 'Study group' }).waitFor();

    await sendMessage(p, 'Welcome to the study group!');
    for (const u of [hal, ivy]) {
      await u.page.getByRole('link', { name: /Study group/ }).click();
      await messageItem(u.page, 'Welcome to the study group!').waitFor();
    }
    // Both others have it open: read by 2 of 2.
    await messageItem(p, 'Welcome to the study group!').getByText('Read by 2 of 2').waitFor();
    await sendMessage(hal.page, 'Hi all, Hal here');
    await messageItem(ivy.page, 'Hi all, Hal here').waitFor();
    await messageItem(p, 'Hi all, Hal here').waitFor();
    await sendMessage(ivy.page, 'Ivy too');
    await messageItem(hal.page, 'Ivy too').waitFor();
    await messageItem(p, 'Ivy too').waitFor();
    await screenshot(p, 'group-desktop');
    await screenshot(ivy.page, 'group-phone');
  });

  it('renames, removes and re-adds a member, and a member leaves', async () => {
    const p = gus.page;
    await p.getByRole('link', { name: 'Conversation details' }).click();
    await p.getByLabel('Group name').fill('Exam prep');
    await p.getByRole('button', { name: 'Rename' }).click();
    await hal.page.getByRole('heading', { name: 'Exam prep' }).waitFor();

    await p.getByRole('button', { name: `Remove ${ivy.username}` }).click();
    await ivy.page.getByText('This conversation does not exist, or you are no longer a member.').waitFor();
    await hal.page.getByText('2 members').waitFor();

    await p.getByLabel('Add people').fill(ivy.username);
    await p.getByRole('button', { name: `Add ${ivy.username}` }).click();
    await hal.page.getByText('3 members').waitFor();
    await screenshot(p, 'group-details-desktop');
    // Ivy is back in, live: the conversation reappears where she is looking.
    await ivy.page.getByRole('heading', { name: 'Exam prep' }).waitFor();
    await ivy.page.getByRole('link', { name: 'Back to conversations' }).click();
    await ivy.page.getByRole('link', { name: /Exam prep/ }).waitFor();

    await hal.page.getByRole('link', { name: 'Conversation details' }).click();
    expect(await hal.page.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    await hal.page.getByRole('button', { name: 'Leave group' }).click();
    await hal.page.getByRole('link', { name: /Exam prep/ }).waitFor({ state: 'detached' });
    await p.getByRole('list', { name: 'Members' }).getByText(hal.username).waitFor({ state: 'detached' });
  });
});
