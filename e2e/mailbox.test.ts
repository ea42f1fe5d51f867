/**
 * Seed 002's flows: compose a titled message to a username, find it in the
 * recipient's Received list and the sender's Sent list, each opening the message in
 * its conversation; and clear errors for invalid input, next to the form.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LIMITS } from '@parley/protocol';
import { DESKTOP, PASSWORD, PHONE, describeE2E, messageItem, screenshot, signUp, startE2E, type E2E, type UserSession } from './harness';

describeE2E('compose, received and sent', () => {
  let e2e: E2E;
  let eve: UserSession;
  let fay: UserSession;

  beforeAll(async () => {
    // A low login limit so the "rate limited" error can be seen without 10 attempts.
    e2e = await startE2E({ config: { rateLimits: { login: { limit: 3, windowMs: 60_000 }, register: { limit: 50, windowMs: 60_000 }, send: { limit: 100, windowMs: 10_000 }, typing: { limit: 30, windowMs: 10_000 }, request: { limit: 600, windowMs: 60_000 } } } });
    eve = await signUp(e2e, 'eve', DESKTOP);
    fay = await signUp(e2e, 'fay', PHONE);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('composes with a title; it shows in Received and Sent', async () => {
    const p = eve.page;
    await p.getByRole('link', { name: 'New message' }).click();
    await p.getByLabel('To (username)').fill(fay.username);
    await p.getByLabel('Title').fill('Lunch on Friday?');
    await p.getByLabel('Message', { exact: true }).fill('Shall we try the new place near the station?');
    await screenshot(p, 'compose-desktop');
    await p.getByRole('button', { name: 'Send' }).click();
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

  it('explains invalid compose input next to the form', async () => {
    const p = eve.page;
    const alert = p.getByRole('alert');
    await p.getByRole('link', { name: 'New message' }).click();
    await p.getByLabel('To (username)').fill(fay.username);
    await p.getByLabel('Message', { exact: true }).fill('No title here');
    await p.getByRole('button', { name: 'Send' }).click();
    await alert.filter({ hasText: 'Title must not be empty' }).waitFor();

    await p.getByLabel('Title').fill('Hello');
    await p.getByLabel('To (username)').fill('nobody_by_that_name');
    await p.getByRole('button', { name: 'Send' }).click();
    await alert.filter({ hasText: 'No user with that username' }).waitFor();

    await p.getByLabel('To (username)').fill(fay.username);
    await p.getByLabel('Message', { exact: true }).fill('x'.repeat(LIMITS.bodyMax + 1));
    await p.getByRole('button', { name: 'Send' }).click();
    await alert.filter({ hasText: 'Message is too long' }).waitFor();
    await screenshot(p, 'compose-error-desktop');
  });

  it('explains sign-up and log-in errors, including rate limiting', async () => {
    const context = await e2e.browser.newContext({ viewport: PHONE, baseURL: e2e.url });
    const p = await context.newPage();
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
});
