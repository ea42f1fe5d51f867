/**
 * Every screen, in light and dark, on a desktop (1280×800) and a phone (375×740): axe-core
 * finds no WCAG A/AA violation on any of them, and each is written to
 * artifacts/screenshots/<screen>-<theme>-<viewport>.png for a person to look at.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, PASSWORD, PHONE, api, axeViolations, describeE2E, finishE2E, messageItem, online, pickPerson, registerApi, screenshot, startE2E, watch, type E2E } from './harness';

const VIEWPORTS = { desktop: DESKTOP, phone: PHONE } as const;
const THEMES = ['light', 'dark'] as const;

describeE2E('every screen, light and dark, desktop and phone', () => {
  let e2e: E2E;
  let ann: { id: string; username: string };
  let bob: { id: string; username: string };
  let cara: { id: string; username: string };
  let direct: string;
  let group: string;

  beforeAll(async () => {
    e2e = await startE2E();
    ann = await registerApi(e2e, 'ann', 'Ann Example');
    bob = await registerApi(e2e, 'bob', 'Bob Builder');
    cara = await registerApi(e2e, 'cara', 'Cara Díaz');
    const asAnn = await api(e2e, ann.username);
    const asBob = await api(e2e, bob.username);
    const asCara = await api(e2e, cara.username);
    direct = (await asAnn('POST', '/api/conversations/direct', { userId: bob.id })).conversation.id;
    const say = (as: typeof asAnn, conv: string, body: string, title?: string) =>
      as('POST', `/api/conversations/${conv}/messages`, { clientMessageId: crypto.randomUUID(), kind: 'text', content: { ...(title ? { title } : {}), body } });
    await say(asBob, direct, 'Hi Ann! Are we still on for the trip planning tomorrow?');
    await say(asAnn, direct, 'Yes, 10:00 works for me.');
    await say(asAnn, direct, 'I will bring the maps and the list of places we talked about.');
    await say(asBob, direct, 'Perfect 👍 see https://example.com/lisbon for the flat.');
    await say(asBob, direct, 'Short one.');
    group = (await asAnn('POST', '/api/conversations/group', { title: 'Trip X (Lisbon)', memberIds: [bob.id, cara.id] })).conversation.id;
    await asAnn('PATCH', `/api/conversations/${group}/members/${bob.id}`, { role: 'admin' });
    await say(asAnn, group, 'Welcome to the trip group!');
    await say(asCara, group, 'Thanks for setting this up. Who books the tram tickets?');
    await say(asBob, group, 'I can do it.');
    await say(asAnn, group, 'Great, thank you both.', 'Plan');
  });
  afterAll(() => finishE2E(e2e));

  async function open(viewport: keyof typeof VIEWPORTS, theme: (typeof THEMES)[number], loggedIn = true): Promise<Page> {
    const context = await e2e.browser.newContext({ viewport: VIEWPORTS[viewport], baseURL: e2e.url, colorScheme: theme, locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    watch(e2e, page, `${viewport}-${theme}`);
    await page.goto('/');
    if (loggedIn) {
      await page.getByLabel('Username').fill(ann.username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('navigation', { name: 'Lists' }).waitFor();
      await online(page);
    }
    return page;
  }

  /** Navigates in-app (no reload), as a click on a link would. */
  async function go(page: Page, to: string): Promise<void> {
    await page.evaluate((path) => {
      history.pushState(null, '', path);
      window.dispatchEvent(new Event('parley:navigate'));
    }, to);
  }

  const seen: Record<string, string[]> = {};
  async function check(page: Page, name: string): Promise<void> {
    // Let transitions settle and lazy content paint before judging contrast.
    await page.waitForTimeout(150);
    const violations = await axeViolations(page);
    if (violations.length) seen[name] = violations;
    await screenshot(page, name);
  }

  for (const viewport of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    for (const theme of THEMES) {
      it(`${viewport}, ${theme}`, async () => {
        const tag = `${theme}-${viewport}`;
        const login = await open(viewport, theme, false);
        await login.getByRole('button', { name: 'Log in' }).waitFor();
        await check(login, `login-${tag}`);
        await login.context().close();

        const page = await open(viewport, theme);
        await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().waitFor();
        await check(page, `list-${tag}`);

        await go(page, `/c/${direct}`);
        await messageItem(page, 'Short one.').waitFor();
        await check(page, `chat-${tag}`);

        await go(page, `/c/${group}`);
        await messageItem(page, 'I can do it.').getByText('Bob Builder').waitFor({ state: 'attached' }).catch(() => {});
        await messageItem(page, 'Great, thank you both.').waitFor();
        await check(page, `group-${tag}`);

        await go(page, `/c/${group}/info`);
        await page.getByRole('list', { name: 'Members' }).waitFor();
        await check(page, `group-details-${tag}`);

        await go(page, '/settings');
        await page.getByRole('heading', { name: 'Your data' }).waitFor();
        await check(page, `settings-${tag}`);

        await go(page, '/new');
        await page.getByLabel('To', { exact: true }).fill('bo');
        await page.getByRole('option').first().waitFor();
        await check(page, `new-chat-${tag}`);
        // Two people make a group: its name and who reads its history.
        await pickPerson(page, 'To', 'bo', bob.username);
        await pickPerson(page, 'To', 'ca', cara.username);
        await page.getByRole('radiogroup', { name: 'New members see' }).waitFor();
        await check(page, `new-group-${tag}`);
        await page.keyboard.press('Escape');

        await go(page, '/');
        await page.getByRole('searchbox', { name: 'Search messages' }).fill('trip');
        await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().waitFor();
        await check(page, `search-${tag}`);
        await page.getByRole('searchbox', { name: 'Search messages' }).fill('');

        await page.keyboard.press('Control+k');
        await page.getByRole('dialog', { name: 'Jump to a conversation' }).waitFor();
        await check(page, `switcher-${tag}`);
        await page.keyboard.press('Escape');
        await page.context().close();
      }, 180_000);
    }
  }

  it('found no accessibility violations on any screen', () => {
    expect(seen).toEqual({});
  });
});
