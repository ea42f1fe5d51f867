/**
 * The web app never sends a password in clear text to another machine (issue 20): opened
 * over plain http:// at this machine's LAN address, signing up shows an error and the
 * account is not created; on http://127.0.0.1 (loopback) the same form works.
 */
import os from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeE2E, finishE2E, PASSWORD, startE2E, uniqueName, watch, type E2E } from './harness';

const lan = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describeE2E('passwords over plain HTTP', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E({ host: '0.0.0.0' });
  });
  afterAll(() => finishE2E(e2e));

  it.runIf(lan)('sign-up on http://<LAN address> is refused in the page; nothing reaches the server', async () => {
    const base = e2e.url.replace('127.0.0.1', lan!);
    const context = await e2e.browser.newContext({ baseURL: base });
    const page = await context.newPage();
    watch(e2e, page, 'lan');
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await page.goto('/');
    await page.getByRole('button', { name: 'Create an account' }).click();
    const username = uniqueName('clear');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').filter({ hasText: 'not using HTTPS' }).waitFor();
    expect(posts).toEqual([]);
    await context.close();

    // The same form on loopback goes through: the account did not exist.
    const local = await e2e.browser.newContext({ baseURL: e2e.url });
    const localPage = await local.newPage();
    watch(e2e, localPage, 'loopback');
    await localPage.goto('/');
    await localPage.getByRole('button', { name: 'Create an account' }).click();
    await localPage.getByLabel('Username').fill(username);
    await localPage.getByLabel('Password').fill(PASSWORD);
    await localPage.getByRole('button', { name: 'Sign up' }).click();
    await localPage.getByRole('navigation', { name: 'Lists' }).waitFor();
    await local.close();
  });
});
