/**
 * Issue 18, item 11: a person running Parley on a laptop at the default log level sees
 * what they need, not a JSON line per HTTP request. A real walk through the app (sign up,
 * start a chat, reload) at level info writes no request lines at all.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../packages/server/src/logger';
import { DESKTOP, describeE2E, finishE2E, registerApi, signUp, startChat, startE2E, type E2E } from './harness';

describeE2E('logs at the default level', () => {
  let e2e: E2E;
  const lines: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    const log = createLogger('info', {}, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    e2e = await startE2E({ log, config: { logLevel: 'info' } });
  });
  afterAll(() => finishE2E(e2e));

  it('hold no line per request for a walk through the app', async () => {
    const bob = await registerApi(e2e, 'bob', 'Bob Quiet');
    const ann = await signUp(e2e, 'ann', DESKTOP);
    await startChat(ann.page, bob.username, 'Hello from a quiet terminal');
    await ann.page.reload();
    await ann.page.getByRole('navigation', { name: 'Lists' }).waitFor();
    const requestLines = lines.filter((l) => /request/i.test(l.msg));
    expect(requestLines).toEqual([]);
    // What is left is a handful of events a person may want (registrations), not traffic.
    expect(lines.length).toBeLessThan(5);
  });
});
