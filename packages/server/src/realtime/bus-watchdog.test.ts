/**
 * A node whose bus cannot deliver sends its sockets elsewhere: past the grace period it
 * closes them with 4003 and refuses upgrades (503), and /readyz is 503; once the bus
 * delivers again it takes sockets by itself (in-process, with a bus whose health the
 * test controls; the multi-process version is faults/redis-partition.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '@parley/protocol';
import { LocalBusHub, type LocalBus } from '../bus/local';
import { startTestCluster, type TestNode } from '../testing';
import { call } from '../test-support/http-client';
import { RawSocket } from '../test-support/ws-client';
import { registerUser, testRateLimits } from '../test-support/users';

describe('bus watchdog', () => {
  let cluster: Awaited<ReturnType<typeof startTestCluster>>;
  let node: TestNode;
  let delivering = true;

  beforeAll(async () => {
    const bus = new LocalBusHub().endpoint() as LocalBus;
    bus.healthy = () => delivering;
    cluster = await startTestCluster({ buses: [bus], config: { busGraceMs: 300, rateLimits: testRateLimits() } });
    node = cluster.nodes[0]!;
  });
  afterAll(() => cluster.close());

  it('closes sockets with 4003 and refuses upgrades while the bus cannot deliver; takes them again after', async () => {
    const u = await registerUser(node.url, 'wd');
    const sock = await RawSocket.connect(node.wsUrl, u.token);
    expect((await call(node.url, 'GET', '/readyz')).status).toBe(200);

    delivering = false;
    expect((await call(node.url, 'GET', '/readyz')).status).toBe(503);
    expect((await sock.closed).code).toBe(CLOSE.TRY_AGAIN_LATER);
    await expect(RawSocket.open(node.wsUrl)).rejects.toThrow(/503/);
    // The HTTP API keeps working: nothing of it needs the bus to store.
    expect((await u.api.get('/api/me')).status).toBe(200);

    delivering = true;
    let again: RawSocket | null = null;
    while (!again) {
      again = await RawSocket.connect(node.wsUrl, u.token).catch(() => null);
      if (!again) await new Promise((r) => setTimeout(r, 50));
    }
    expect(again.isOpen).toBe(true);
    await again.close();
  });
});
