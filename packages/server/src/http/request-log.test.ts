/**
 * Access logs hold no secrets (issue 16.12): signed links' signatures, search text and
 * tokens never reach a log line, while the path and paging parameters still do. Access
 * lines are written at debug (request-logging.test.ts), so this node logs at debug.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../logger';
import { startTestServer, type TestNode } from '../testing';
import { call } from '../test-support/http-client';
import { pngImage } from '../test-support/attachments';
import { registerUsers, testRateLimits, type TestUser } from '../test-support/users';

describe('redactUrl', () => {
  it.each([
    ['/api/me', '/api/me'],
    ['/api/conversations/c1/attachments/a1?u=u1&exp=123&sig=abc', '/api/conversations/c1/attachments/a1?u=[redacted]&exp=[redacted]&sig=[redacted]'],
    ['/api/search?q=my%20secret&limit=20', '/api/search?q=[redacted]&limit=20'],
    ['/api/conversations/c1/messages?before=40&limit=50', '/api/conversations/c1/messages?before=40&limit=50'],
    ['/x?token', '/x?token=[redacted]'],
  ])('%s', (url, want) => {
    expect(redactUrl(url)).toBe(want);
  });
});

describe('request logs', () => {
  let server: TestNode & { close(): Promise<void> };
  let a: TestUser, b: TestUser;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: testRateLimits() }, log: createLogger('debug', { node: 'log-test' }, sink) });
    [a, b] = await registerUsers(server.url, 2, 'log');
  });
  afterAll(() => server.close());

  it('a signed download link is logged without its signature; a search without its text', async () => {
    const conv = (await a.api.post('/api/conversations/group', { title: 'Logs', memberIds: [b.id] })).body.conversation.id;
    const up = await call(server.url, 'POST', '/api/attachments?name=log.png', { token: a.token, raw: await pngImage(8, 8), contentType: 'image/png' });
    const id = up.body.attachment.id as string;
    await a.api.post(`/api/conversations/${conv}/messages`, { clientMessageId: 'log-1', attachmentIds: [id], kind: 'text', content: { body: 'see attached' } });
    const link = (await b.api.post(`/api/conversations/${conv}/attachments/links`, { attachmentIds: [id] })).body.links[0];
    const sig = new URL(link.url, server.url).searchParams.get('sig')!;
    expect((await fetch(server.url + link.url)).status).toBe(200);
    await b.api.get('/api/search?q=hush%20hush%20secret&limit=5');

    await expect.poll(() => lines.some((l) => l.includes(`/attachments/${id}?`))).toBe(true);
    const all = lines.join('\n');
    expect(all).toContain(`/api/conversations/${conv}/attachments/${id}?u=[redacted]&exp=[redacted]&sig=[redacted]`);
    expect(all).toContain('/api/search?q=[redacted]&limit=5');
    for (const secret of [sig, 'hush', a.token, b.token, 'see attached']) expect(all).not.toContain(secret);
  });
});
