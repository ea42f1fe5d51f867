/**
 * A TCP proxy in front of one service (Redis) for one node, that a scenario can cut
 * like a network partition: `partition()` stops forwarding bytes both ways while the
 * connections stay open (what a dropped route or a firewall does: nothing is refused,
 * nothing arrives), and new connections wait unanswered; `heal()` lets everything held
 * through in order, as TCP would once the route is back.
 */
import net from 'node:net';

export interface PartitionProxy {
  url: string;
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startPartitionProxy(target: { host: string; port: number }, scheme = 'redis'): Promise<PartitionProxy> {
  let cut = false;
  const sockets = new Set<net.Socket>();
  /** Writes held while partitioned, in order, per direction. */
  const held: (() => void)[] = [];
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (cut) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  };
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    for (const s of [client, upstream]) {
      s.on('error', () => s.destroy());
      s.once('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    partition() {
      cut = true;
    },
    heal() {
      cut = false;
      for (const write of held.splice(0)) write();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
