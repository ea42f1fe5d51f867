/**
 * End-to-end harness: a real Parley node (port 0) serving the built web app, on a SQLite
 * file as `npm start` has it (writes on the writer thread, reads on the main thread),
 * and one headless Chromium per test file with a context per user.
 *
 * Without Chromium the suites skip with a visible reason, unless
 * PARLEY_REQUIRE_SERVICES=1, in which case a missing browser is a failure.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../packages/server/src/testing';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const WEB_DIR = path.join(ROOT, 'apps/web/dist');
export const SCREENSHOT_DIR = path.join(ROOT, 'artifacts/screenshots');
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 740 } as const;
export const PASSWORD = 'correct horse battery';

const chromiumAvailable = existsSync(CHROMIUM);
const required = process.env.PARLEY_REQUIRE_SERVICES === '1';

/** describe() when a browser is there; otherwise a visible skip (or a failure when required). */
export function describeE2E(name: string, fn: () => void): void {
  if (chromiumAvailable) {
    describe(name, fn);
    return;
  }
  const reason = `Chromium not found at ${CHROMIUM} (install it, or set PARLEY_CHROMIUM)`;
  if (required) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${reason}; PARLEY_REQUIRE_SERVICES=1 makes this a failure`);
      });
    });
    return;
  }
  console.warn(`[e2e] skipping "${name}": ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, fn);
}

/** The root `npm test` builds first; a lone `vitest run e2e` builds here when dist is missing. */
function ensureBuilt(): void {
  if (existsSync(path.join(WEB_DIR, 'index.html'))) return;
  execSync('npm run build -w apps/web', { cwd: ROOT, stdio: 'inherit' });
}

export interface E2E {
  url: string;
  browser: Browser;
  /** Page errors and CSP violations seen in any page: a test file ends by asserting there were none. */
  problems: string[];
  close(): Promise<void>;
}

/** Closes the browser and the server, then fails the file if any page saw an error or a CSP violation. */
export async function finishE2E(e2e: E2E | undefined): Promise<void> {
  const problems = e2e?.problems ?? [];
  await e2e?.close();
  expect(problems).toEqual([]);
}

export async function startE2E(config: Parameters<typeof startTestServer>[0] = {}): Promise<E2E> {
  ensureBuilt();
  const dbDir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
  const server = await startTestServer({ ...config, config: { databaseUrl: path.join(dbDir, 'parley.db'), ...config.config, webDir: WEB_DIR } });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    url: server.url,
    browser,
    problems: [],
    async close() {
      await browser.close();
      await server.close();
      rmSync(dbDir, { recursive: true, force: true });
    },
  };
}

export interface UserSession {
  username: string;
  context: BrowserContext;
  page: Page;
}

/** A short unique username (the limit is 32 characters). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Opens a fresh context (its own storage) and signs a new user up through the UI. */
export async function signUp(e2e: E2E, prefix: string, viewport: { width: number; height: number } = DESKTOP, options: { locale?: string; colorScheme?: 'light' | 'dark'; displayName?: string } = {}): Promise<UserSession> {
  const username = uniqueName(prefix);
  const context = await e2e.browser.newContext({ viewport, baseURL: e2e.url, locale: options.locale ?? 'en-US', colorScheme: options.colorScheme ?? 'light' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  watch(e2e, page, username);
  await page.goto('/');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  if (options.displayName) await page.getByLabel('Display name (optional)').fill(options.displayName);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('navigation', { name: 'Lists' }).waitFor();
  await online(page);
  return { username, context, page };
}

/** Records uncaught page errors and Content-Security-Policy refusals (inline script or style slipped in). */
export function watch(e2e: E2E, page: Page, who: string): void {
  page.on('pageerror', (err) => e2e.problems.push(`[${who}] page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) e2e.problems.push(`[${who}] ${msg.text()}`);
  });
}

/** Waits until the app says it is connected (no offline/connecting banner). */
export async function online(page: Page): Promise<void> {
  await page.locator('.offline-banner').waitFor({ state: 'detached' });
}

/** Picks a person in a "To" / "Add people" combo box by typing and choosing the option that names them. */
export async function pickPerson(page: Page, label: string, query: string, username: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(query);
  // The suggestions are an inline list box (React Aria Autocomplete) under the text box.
  await page.getByRole('option', { name: new RegExp(`@${username}\\b`) }).click();
}

/**
 * Starts the direct conversation with `username` through New chat: the conversation is
 * created with its first message, `text`.
 */
export async function startChat(page: Page, username: string, text: string): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  await pickPerson(page, 'To', username, username);
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('region', { name: 'Conversation', exact: true }).waitFor();
  await messageItem(page, text).waitFor();
}

/** Opens the conversation named `name` from the sidebar list. */
export async function openConversation(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: typeof name === 'string' ? new RegExp(name) : name }).click();
  await page.getByRole('region', { name: 'Conversation', exact: true }).waitFor();
}

/** A REST session for setting things up quickly (many users, many messages) outside the browser. */
export async function api(e2e: E2E, username: string): Promise<(method: string, path: string, body?: unknown) => Promise<any>> {
  const login = await fetch(`${e2e.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async (method, path, body) => {
    const res = await fetch(`${e2e.url}${path}`, { method, headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Registers a user through the API (no browser), with a display name. */
export async function registerApi(e2e: E2E, prefix: string, displayName?: string): Promise<{ id: string; username: string }> {
  const username = uniqueName(prefix);
  const res = await fetch(`${e2e.url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD, ...(displayName ? { displayName } : {}) }) });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  return { id: user.id, username };
}

/** Types into the chat composer and presses Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** The message list item holding exactly this text. */
export function messageItem(page: Page, text: string) {
  return page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ has: page.getByText(text, { exact: true }) });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.x A/AA rules (and best practices) on the page as it is: the list of
 * violations, each as "rule: target". Injected with evaluate, which the page's CSP does
 * not apply to (an injected <script> would be refused, rightly).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? ''}`.slice(0, 400)));
}
