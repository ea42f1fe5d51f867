/**
 * A node dies with SIGKILL in the middle of traffic (no drain, no goodbye). Its clients
 * see their sockets drop, reconnect through the load balancer to a live node, catch up
 * and resend what was not acknowledged with the same client ids. Nothing acknowledged
 * is lost, nothing is stored twice, everyone agrees on one order.
 *
 * Acks are fast, so a kill at a random moment may find no send in flight. The proxy
 * therefore holds the victim's replies first: its clients' sends reach it (and may be
 * committed) but are not acknowledged, and the kill comes once each of those clients
 * has had a send unanswered for a while. Every send unacknowledged at the kill must then
 * be retried with its id and stored once; the only exception is a send whose first
 * reply was already past the proxy when the hold began (it reaches the client anyway).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterHandle, type Cluster } from './support/cluster';
import { settleAndCheck, startFleet, startTraffic, type Fleet } from './support/fleet';
import { waitFor } from './support/processes';
import { checkServices, describeWithServices } from './support/services';

const services = await checkServices({});

describeWithServices('fault: a node is killed (SIGKILL) mid-traffic', services, () => {
  const handle = clusterHandle();
  let cluster: Cluster;
  let fleet: Fleet | null = null;

  beforeAll(async () => {
    cluster = await handle.start({ label: 'node-kill', nodes: 3 });
  });

  afterAll(async () => {
    fleet?.close();
    await handle.cleanup();
  });

  it("the dead node's clients reconnect elsewhere and catch up; history checks pass", async () => {
    fleet = await startFleet({ baseUrl: cluster.proxy.url, users: 6, groups: [[0, 1, 2, 3], [2, 3, 4, 5]] });
    const victim = cluster.nodes[1]!;
    const onVictim = await cluster.connectionsOn(victim);
    expect(onVictim, 'the load balancer put clients on the victim node').toBeGreaterThan(0);

    const { recorder } = fleet;
    const victimClients = new Set(fleet.members.filter((m) => cluster.proxy.backendOf(recorder.localPorts.get(m.name) ?? -1) === victim.port).map((m) => m.name));
    expect(victimClients.size, 'the proxy and the node agree on who is on the victim').toBe(onVictim);

    const traffic = startTraffic(fleet, { perMember: 30, intervalMs: 75, label: 'before/during' });
    await waitFor('traffic to be flowing', () => recorder.acked.length >= 30, 30_000, 10);
    cluster.proxy.holdReplies(victim.port);
    // Unanswered for 300 ms: an ack takes milliseconds, so this one is held by the proxy.
    const heldSend = (name: string) => recorder.inFlight(new Set([name]), 300).length > 0;
    await waitFor("each of the victim's clients to have a send held", () => [...victimClients].every(heldSend), 20_000, 10);
    const closesBefore = recorder.closes.length;
    const inFlight = recorder.inFlight(victimClients).map((s) => s.clientMessageId);
    victim.signal('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    await traffic.queued;

    // Every client that was on the victim lost its socket and is back on a live node.
    const dropped = () => new Set(fleet!.recorder.closes.slice(closesBefore).map((c) => c.client)).size;
    await waitFor("the victim's clients to notice", () => dropped() >= onVictim!, 15_000, 20);
    await waitFor('every client to be online again', () => fleet!.members.every((m) => m.client.status === 'online'), 30_000);
    const live = await Promise.all(cluster.nodes.filter((n) => n !== victim).map((n) => cluster.connectionsOn(n)));
    expect(live.reduce((a, b) => a! + b!, 0)).toBe(fleet.members.length);

    // Traffic after the recovery: a push that the dead node never published shows up as
    // a gap here, and the SDK fills it by sync.
    await startTraffic(fleet, { perMember: 3, intervalMs: 50, label: 'after' }).queued;
    expect(await settleAndCheck(fleet)).toEqual([]);
    // Every send in flight at the kill went out again with its own id (unless its first
    // reply was already on its way), and was stored once and acknowledged (settleAndCheck:
    // all acked, each acked id stored exactly once). Each client had one held send at least.
    const retried = new Set(recorder.retried());
    expect(inFlight.filter((id) => !retried.has(id) && !recorder.firstAttemptAnswered(id))).toEqual([]);
    expect(inFlight.filter((id) => !recorder.sends.get(id)?.ack)).toEqual([]);
    const retriedBy = new Set(inFlight.filter((id) => retried.has(id)).map((id) => recorder.sends.get(id)!.client));
    expect([...victimClients].filter((name) => !retriedBy.has(name))).toEqual([]);
  });
});
