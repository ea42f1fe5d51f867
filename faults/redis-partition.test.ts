/**
 * One node of three is cut off from Redis (a partition: its connections stay open,
 * nothing gets through) while traffic flows. It cannot deliver, so it must not keep
 * clients: its /readyz goes 503 (the bus round trip fails), after the grace period it
 * closes its sockets with 4003 TRY_AGAIN_LATER and refuses upgrades, and its clients
 * reconnect to the healthy nodes and catch up. When the partition heals it is ready
 * again by itself. Nothing acknowledged is lost, nothing is stored twice.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOSE } from '@parley/protocol';
import { clusterHandle, type Cluster } from './support/cluster';
import { settleAndCheck, startFleet, startTraffic, type Fleet } from './support/fleet';
import { startPartitionProxy, type PartitionProxy } from './support/partition-proxy';
import { waitFor } from './support/processes';
import { checkServices, describeWithServices } from './support/services';

const services = await checkServices({});
const VICTIM = 1;

describeWithServices('fault: one node is cut off from Redis', services, () => {
  const handle = clusterHandle();
  let cluster: Cluster;
  let fleet: Fleet | null = null;
  let cut: PartitionProxy | null = null;

  beforeAll(async () => {
    cluster = await handle.start({
      label: 'redis-partition',
      nodes: 3,
      env: { PARLEY_BUS_GRACE_MS: '3000' },
      nodeEnv: async (i, redis): Promise<Record<string, string>> => {
        if (i !== VICTIM) return {};
        cut = await startPartitionProxy({ host: '127.0.0.1', port: redis.port });
        return { PARLEY_REDIS_URL: cut.url };
      },
    });
  });

  afterAll(async () => {
    fleet?.close();
    cut?.heal();
    await handle.cleanup();
    await cut?.close();
  });

  it('its clients move to healthy nodes; it is ready again when the partition heals; history checks pass', async () => {
    fleet = await startFleet({ baseUrl: cluster.proxy.url, users: 6, groups: [[0, 1, 2, 3], [2, 3, 4, 5]] });
    const victim = cluster.nodes[VICTIM]!;
    const healthy = cluster.nodes.filter((n) => n !== victim);
    const onVictim = await cluster.connectionsOn(victim);
    expect(onVictim, 'the load balancer put clients on the victim node').toBeGreaterThan(0);
    const { recorder } = fleet;

    const traffic = startTraffic(fleet, { perMember: 40, intervalMs: 100, label: 'during' });
    await waitFor('traffic to be flowing', () => recorder.acked.length >= 20, 30_000, 10);
    const closesBefore = recorder.closes.length;
    cut!.partition();

    await waitFor('the victim to report not ready', async () => (await victim.readiness()) === 503, 20_000);
    expect(await Promise.all(healthy.map((n) => n.readiness()))).toEqual([200, 200]);
    await waitFor('the victim to let go of its sockets', async () => (await cluster.connectionsOn(victim)) === 0, 30_000);
    expect(recorder.closes.slice(closesBefore).filter((c) => c.code === CLOSE.TRY_AGAIN_LATER)).toHaveLength(onVictim!);
    await waitFor('every client to be online on a healthy node', async () => {
      if (!fleet!.members.every((m) => m.client.status === 'online')) return false;
      const counts = await Promise.all(healthy.map((n) => cluster.connectionsOn(n)));
      return counts.reduce((a, b) => a! + b!, 0) === fleet!.members.length;
    }, 30_000);
    await traffic.queued;

    cut!.heal();
    await waitFor('the victim to be ready again', async () => (await victim.readiness()) === 200, 30_000);
    expect(victim.running).toBe(true);
    await startTraffic(fleet, { perMember: 3, intervalMs: 50, label: 'after' }).queued;
    expect(await settleAndCheck(fleet)).toEqual([]);
    console.info(`[faults] redis-partition: ${recorder.acked.length} acked, ${recorder.recoveredBySync()} events recovered by sync`);
  });
});
