import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestNode } from '../testing';
import { registerUsers } from '../test-support/users';
import { RawSocket } from '../test-support/ws-client';

/** Reads one sample's value from the Prometheus text format. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

describe('/metrics', () => {
  let server: TestNode & { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('counts connections, sends, deliveries and their latencies, and errors by code', async () => {
    const [a, b] = await registerUsers(server.url, 2);
    const conv = await a.api.post('/api/conversations/direct', { userId: b.id });
    const id = conv.body.conversation.id;
    const bob = await RawSocket.connect(server.wsUrl, b.token);
    const alice = await RawSocket.connect(server.wsUrl, a.token);
    const before = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(before, 'parley_ws_connections')).toBe(2);

    const from = bob.mark();
    await alice.ok('send', { conversationId: id, clientMessageId: 'metric-1', kind: 'text', content: { body: 'hello' } });
    await bob.waitEvent(id, 'message.created', from);
    await alice.request('send', { conversationId: 'nope', clientMessageId: 'metric-2', kind: 'text', content: { body: 'x' } });

    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(after, 'parley_messages_sent_total')).toBe(1);
    // Both of the pair's sockets are members: the sender's own devices get the push too.
    expect(sample(after, 'parley_messages_delivered_total')).toBe(2);
    expect(sample(after, 'parley_send_ack_seconds_count')).toBe(1); // acks only: the refused send has none
    expect(sample(after, 'parley_send_deliver_seconds_count')).toBe(1);
    expect(after).toMatch(/parley_errors_total\{code="NOT_FOUND"\} 1/);
    expect(after).toContain('parley_process_resident_memory_bytes');
    expect(sample(after, 'parley_db_calls_in_flight')).toBe(0);
    expect(after).toMatch(/parley_db_call_seconds_count\{method="appendMessages"\} [1-9]/);
    void alice.close();
    void bob.close();
  });
});
