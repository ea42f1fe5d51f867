import path from 'node:path';
import { spawnTs, waitForLine } from '../core/spawn';
import type { Population } from './population';
import { conversationsByUser } from './population';
import type { Target } from './target';

const ENTRY = path.join(import.meta.dirname, '../relay/relay-server.ts');

/** Starts the bare relay in its own process; conversations become rooms. */
export async function startRelay(p: Population): Promise<Target> {
  const proc = spawnTs(ENTRY, [], { env: { PORT: '0' } });
  const m = await waitForLine(proc, /RELAY LISTENING (\d+)/);
  const url = `ws://127.0.0.1:${m[1]}`;
  const conversationIds = p.conversations.map((_, k) => `c${k}`);
  const byUser = conversationsByUser(p, conversationIds);
  return {
    name: 'relay',
    kind: 'relay',
    httpUrl: `http://127.0.0.1:${m[1]}`,
    serverPids: [proc.pid],
    clients: p.connections.map((u, index) => ({ index, conversations: byUser[u]!, relayId: `u${u}`, url })),
    conversationIds,
    tokenOf: () => '',
    stop: () => proc.stop(),
  };
}
