/**
 * Redis is restarted in the middle of traffic (killed, every key and subscription gone,
 * started again on the same port). Fan-out published while it is away is lost, as the
 * bus port allows; the SDK notices the gaps in sequence numbers and catches up from the
 * database. The nodes report not-ready while the bus is down and ready again after,
 * without being restarted. History checks pass.
 *
 * The outage is shorter than the bus grace period (set long here), so sockets stay
 * open and sends keep being stored and acknowledged (rate limits count per node
 * meanwhile): the test sends one message during the outage and waits for its
 * acknowledgement before restarting Redis, so fan-out is certainly lost and recovered
 * by sync, whatever the timing. Sockets leaving a node whose bus stays down past the
 * grace period are faults/redis-partition.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterHandle, type Cluster } from './support/cluster';
import { settleAndCheck, startFleet, startTraffic, type Fleet } from './support/fleet';
import { waitFor } from './support/processes';
import { checkServices, describeWithServices } from './support/services';

const services = await checkServices({});

describeWithServices('fault: Redis restarts mid-traffic', services, () => {
  const handle = clusterHandle();
  let cluster: Cluster;
  let fleet: Fleet | null = null;

  beforeAll(async () => {
    cluster = await handle.start({ label: 'redis-restart', nodes: 3, env: { PARLEY_BUS_GRACE_MS: '120000' } });
  });

  afterAll(async () => {
    fleet?.close();
    await handle.cleanup();
  });

  it('missed fan-out is recovered by sequence numbers; /readyz goes 503 and back to 200', async () => {
    fleet = await startFleet({ baseUrl: cluster.proxy.url, users: 6, groups: [[0, 1, 2, 3], [2, 3, 4, 5]] });
    const traffic = startTraffic(fleet, { perMember: 30, intervalMs: 75, label: 'before/during' });
    await waitFor('traffic to be flowing', () => fleet!.recorder.acked.length >= 30, 30_000, 10);

    await cluster.redis.kill();
    await waitFor('every node to report not ready', async () => (await Promise.all(cluster.nodes.map((n) => n.readiness()))).every((s) => s === 503), 20_000);
    // A send during the outage is stored and acknowledged; its fan-out cannot go out.
    const closesBefore = fleet.recorder.closes.length;
    const [sender] = fleet.members;
    const sent = fleet.recorder.send(sender!.name, fleet.groups[0]!, 'sent while Redis is down');
    const outageSend = [...fleet.recorder.sends.keys()].at(-1)!; // recorded synchronously: the newest
    await sent;
    expect(fleet.recorder.sends.get(outageSend)?.ack, 'the send made during the outage is acknowledged').toBeDefined();
    expect(await Promise.all(cluster.nodes.map((n) => n.readiness()))).toEqual([503, 503, 503]);
    await cluster.redis.start();
    await waitFor('every node to be ready again', async () => (await Promise.all(cluster.nodes.map((n) => n.readiness()))).every((s) => s === 200), 30_000);
    expect(cluster.nodes.every((n) => n.running)).toBe(true);
    // Within the grace period no socket was sent away.
    expect(fleet.recorder.closes.slice(closesBefore)).toEqual([]);
    await traffic.queued;

    // After the restart the bus works again: new messages reach everyone live, and the
    // first of them reveal any gap the outage left.
    await startTraffic(fleet, { perMember: 3, intervalMs: 50, label: 'after' }).queued;
    expect(await settleAndCheck(fleet)).toEqual([]);
    // The outage did drop fan-out, and the clients filled it in from the database.
    expect(fleet.recorder.recoveredBySync()).toBeGreaterThan(0);
    console.info(`[faults] redis-restart: ${fleet.recorder.acked.length} acked, ${fleet.recorder.recoveredBySync()} events recovered by sync`);
  });
});
