/**
 * PostgreSQL crashes (`pg_ctl stop -m immediate`, this suite's own cluster) in the middle
 * of traffic and comes back. While it is down, sends get a retryable UNAVAILABLE (never
 * an ack: nothing is acknowledged before its commit) and the nodes say not-ready; the
 * nodes reconnect by themselves, nobody restarts them; the SDK outboxes deliver what
 * waited. History checks pass.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterHandle, type Cluster } from './support/cluster';
import { settleAndCheck, startFleet, startTraffic, type Fleet } from './support/fleet';
import { sleep, waitFor } from './support/processes';
import { checkServices, describeWithServices } from './support/services';

const services = await checkServices({ ownPostgres: true });

describeWithServices('fault: PostgreSQL restarts mid-traffic', services, () => {
  const handle = clusterHandle();
  let cluster: Cluster;
  let fleet: Fleet | null = null;

  beforeAll(async () => {
    cluster = await handle.start({ label: 'postgres-restart', nodes: 3, ownPostgres: true });
  });

  afterAll(async () => {
    fleet?.close();
    await handle.cleanup();
  });

  it('sends during the outage are refused as UNAVAILABLE, never acked; the cluster recovers by itself', async () => {
    const pg = cluster.postgres!;
    fleet = await startFleet({ baseUrl: cluster.proxy.url, users: 6, groups: [[0, 1, 2, 3], [2, 3, 4, 5]] });
    const traffic = startTraffic(fleet, { perMember: 30, intervalMs: 75, label: 'before/during' });
    await waitFor('traffic to be flowing', () => fleet!.recorder.acked.length >= 30, 30_000, 10);

    await pg.crash();
    const crashedAt = Date.now();
    await waitFor('every node to report not ready', async () => (await Promise.all(cluster.nodes.map((n) => n.readiness()))).every((s) => s === 503), 20_000);
    // Sends keep coming; the nodes answer them with a retryable error.
    await waitFor('a send to be refused with UNAVAILABLE', () => fleet!.recorder.replies.some((r) => r.at > crashedAt && r.code === 'UNAVAILABLE'), 20_000, 20);
    // Over REST too: a clear 503 with the catalogue code.
    const [first] = fleet.members;
    const rest = await first!.client.request('send', { params: { id: first!.conversations[0]! }, body: { clientMessageId: randomUUID(), kind: 'text', content: { body: 'during the outage' } } as never }).then(
      () => null,
      (err: { code?: string; status?: number; retryable?: boolean }) => err,
    );
    expect(rest).toMatchObject({ code: 'UNAVAILABLE', status: 503, retryable: true });
    await sleep(500);

    await pg.start();
    // Crash recovery, three pools reconnecting and the outboxes' backlog: on a loaded two-core
    // machine this took over 30 s once; the statuses seen last say which node was still out.
    let statuses: number[] = [];
    await waitFor('every node to be ready again', async () => (statuses = await Promise.all(cluster.nodes.map((n) => n.readiness()))).every((s) => s === 200), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; last /readyz statuses: ${statuses.join(', ')}`);
    });
    expect(cluster.nodes.every((n) => n.running)).toBe(true);
    await traffic.queued;
    await startTraffic(fleet, { perMember: 3, intervalMs: 50, label: 'after' }).queued;

    expect(await settleAndCheck(fleet)).toEqual([]);
    // The only refusals the clients saw were the retryable UNAVAILABLE (no INTERNAL).
    expect([...fleet.recorder.replyErrorCodes().keys()]).toEqual(['UNAVAILABLE']);
    expect(fleet.recorder.retried().length).toBeGreaterThan(0);
  });
});
