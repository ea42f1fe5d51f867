/**
 * A node is stopped with SIGTERM in the middle of traffic, the way an orchestrator rolls
 * a deployment: it stops taking sockets, commits the sends it holds, closes its sockets
 * with 4000 (GOING_AWAY: reconnect elsewhere) and exits 0. Its clients reconnect through
 * the load balancer to the other nodes; no acknowledged message is lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE, PROTOCOL_VERSION } from '@parley/protocol';
import { clusterHandle, type Cluster } from './support/cluster';
import { settleAndCheck, startFleet, startTraffic, type Fleet } from './support/fleet';
import { waitFor } from './support/processes';
import { checkServices, describeWithServices } from './support/services';

const services = await checkServices({});

/** What a new socket to `url` gets: welcomed, or refused (HTTP status, close code or a network error). */
function tryConnect(url: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
    const done = (what: string) => {
      ws.terminate();
      resolve(what);
    };
    ws.on('unexpected-response', (_req, res) => done(`http ${res.statusCode}`));
    ws.on('error', () => done('refused'));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token })));
    ws.on('message', (raw) => done(JSON.parse(String(raw)).type === 'welcome' ? 'welcomed' : 'other'));
    ws.on('close', (code) => done(`closed ${code}`));
  });
}

describeWithServices('fault: a node is stopped with SIGTERM mid-traffic (drain)', services, () => {
  const handle = clusterHandle();
  let cluster: Cluster;
  let fleet: Fleet | null = null;

  beforeAll(async () => {
    cluster = await handle.start({ label: 'node-drain', nodes: 3 });
  });

  afterAll(async () => {
    fleet?.close();
    await handle.cleanup();
  });

  it('drains: in-flight sends commit, sockets close with 4000, exit 0; clients move to other nodes', async () => {
    fleet = await startFleet({ baseUrl: cluster.proxy.url, users: 6, groups: [[0, 1, 2, 3], [2, 3, 4, 5]] });
    const victim = cluster.nodes[2]!;
    const onVictim = await cluster.connectionsOn(victim);
    expect(onVictim, 'the load balancer put clients on the victim node').toBeGreaterThan(0);
    const login = await fleet.members[0]!.client.request('login', { body: { username: fleet.members[0]!.username, password: fleet.members[0]!.password } });

    const traffic = startTraffic(fleet, { perMember: 30, intervalMs: 75, label: 'before/during' });
    await waitFor('traffic to be flowing', () => fleet!.recorder.acked.length >= 30, 30_000, 10);
    const closesBefore = fleet.recorder.closes.length;
    victim.signal('SIGTERM');

    // It stops accepting at once: not ready, and a new socket is not welcomed.
    await waitFor('the victim to stop reporting ready', async () => (await victim.readiness()) !== 200, 10_000, 10);
    expect(await tryConnect(victim.url, login.accessToken)).not.toBe('welcomed');

    expect(await victim.exited).toEqual({ code: 0, signal: null });
    // Each client's first close since the signal: that of its socket on the victim. Later
    // ones are reconnect attempts that the proxy sent to the draining or exited victim
    // (refused: 1006) before it found another node.
    const firstCloses = () => {
      const byClient = new Map<string, number>();
      for (const c of fleet!.recorder.closes.slice(closesBefore)) if (!byClient.has(c.client)) byClient.set(c.client, c.code);
      return [...byClient.values()];
    };
    await waitFor("the victim's clients to be told", () => firstCloses().length >= onVictim!, 15_000, 20);
    // Told to go elsewhere (GOING_AWAY), not cut off.
    expect(firstCloses()).toEqual(firstCloses().map(() => CLOSE.GOING_AWAY));

    await traffic.queued;
    await waitFor('every client to be online again', () => fleet!.members.every((m) => m.client.status === 'online'), 30_000);
    const live = await Promise.all(cluster.nodes.filter((n) => n !== victim).map((n) => cluster.connectionsOn(n)));
    expect(live.reduce((a, b) => a! + b!, 0)).toBe(fleet.members.length);

    await startTraffic(fleet, { perMember: 3, intervalMs: 50, label: 'after' }).queued;
    expect(await settleAndCheck(fleet)).toEqual([]);
  });
});
