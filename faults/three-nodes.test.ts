/**
 * Production mode, no fault: three real node processes on PostgreSQL and Redis. A user
 * connected to node 1 and a user connected to node 3 chat live; every message crosses
 * nodes through the Redis bus, and the history checks pass.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterHandle, type Cluster } from './support/cluster';
import { settleAndCheck, startFleet, type Fleet, type Member } from './support/fleet';
import { waitFor } from './support/processes';
import { checkServices, describeWithServices } from './support/services';
import { textOf } from '@parley/protocol';

const services = await checkServices({});

describeWithServices('three nodes: users on different nodes chat live', services, () => {
  const handle = clusterHandle();
  let cluster: Cluster;
  let fleet: Fleet | null = null;

  beforeAll(async () => {
    cluster = await handle.start({ label: 'three-nodes', nodes: 3 });
  });

  afterAll(async () => {
    fleet?.close();
    await handle.cleanup();
  });

  it('a message sent on node 1 appears at once for the member on node 3, and back', async () => {
    const [n1, n2, n3] = cluster.nodes;
    // Direct to each node, no load balancer: user 0 on node 1, user 1 on node 3.
    fleet = await startFleet({ baseUrl: (i) => (i === 0 ? n1!.url : n3!.url), users: 2, groups: [[0, 1]] });
    expect(await cluster.connectionsOn(n1!)).toBe(1);
    expect(await cluster.connectionsOn(n2!)).toBe(0);
    expect(await cluster.connectionsOn(n3!)).toBe(1);

    const [alice, bob] = fleet.members as [Member, Member];
    const cid = fleet.groups[0]!;
    const inbox = new Map<string, string[]>();
    for (const m of fleet.members) {
      m.client.on('event', (e) => {
        if (e.type === 'message.created') inbox.set(m.name, [...(inbox.get(m.name) ?? []), textOf(e.message)?.body ?? '']);
      });
    }

    // A conversation: each line is seen live by the other side before the reply is sent.
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      const body = `line ${i} from ${from.name}`;
      lines.push(body);
      await fleet.recorder.send(from.name, cid, body);
      await waitFor(`${to.name} to see "${body}"`, () => (inbox.get(to.name) ?? []).includes(body), 10_000, 20);
    }

    expect(await settleAndCheck(fleet)).toEqual([]);
    // Both sides saw all six lines, in the same order.
    expect(inbox.get(alice.name)).toEqual(lines);
    expect(inbox.get(bob.name)).toEqual(lines);
  });
});
