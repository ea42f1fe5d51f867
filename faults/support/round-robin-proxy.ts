/**
 * A load balancer without stickiness, in miniature: each new TCP connection goes to the
 * next backend in turn; a backend that refuses is skipped for that connection. Bytes are
 * piped as-is (HTTP and WebSocket alike), and when either side ends the other is cut, so
 * a dead node's clients see their connections drop and reconnect through the proxy to a
 * live one.
 *
 * A scenario can also hold a backend's replies (`holdReplies`): bytes from that node to
 * its clients are dropped by the proxy, so requests reach the node (and may commit) while
 * their replies never reach the clients. That is how a test puts sends in flight on purpose.
 */
import net from 'node:net';
import { Transform } from 'node:stream';

export interface RoundRobinProxy {
  url: string;
  port: number;
  /** Connections forwarded per backend port (for asserting the spread). */
  readonly forwarded: ReadonlyMap<number, number>;
  /** The backend port a live client connection goes to, by the client's own (local) port. */
  backendOf(clientPort: number): number | undefined;
  /** From now on, nothing the backend on `port` writes to its current clients reaches them (its close still does). */
  holdReplies(port: number): void;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backendPorts: readonly number[]): Promise<RoundRobinProxy> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const forwarded = new Map<number, number>();
  /** Live pairs by the client's remote port (its local port on the client side). */
  const pairs = new Map<number, { backendPort: number; replies: { held: boolean } }>();

  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  /** Tries the backends from the next one in turn; resolves with a connected socket or null. */
  const connectBackend = async (): Promise<{ socket: net.Socket; port: number } | null> => {
    for (let tried = 0; tried < backendPorts.length; tried++) {
      const port = backendPorts[next++ % backendPorts.length]!;
      const socket = await new Promise<net.Socket | null>((resolve) => {
        const s = net.connect({ port, host: '127.0.0.1' });
        s.once('connect', () => {
          s.removeAllListeners('error');
          resolve(s);
        });
        s.once('error', () => {
          s.destroy();
          resolve(null);
        });
      });
      if (socket) return { socket, port };
    }
    return null;
  };

  const server = net.createServer((client) => {
    track(client);
    client.pause();
    client.on('error', () => client.destroy());
    void connectBackend().then((backend) => {
      if (!backend || client.destroyed) {
        backend?.socket.destroy();
        client.destroy();
        return;
      }
      const upstream = backend.socket;
      forwarded.set(backend.port, (forwarded.get(backend.port) ?? 0) + 1);
      const clientPort = client.remotePort!;
      const replies = { held: false };
      pairs.set(clientPort, { backendPort: backend.port, replies });
      client.once('close', () => pairs.delete(clientPort));
      track(upstream);
      upstream.on('error', () => upstream.destroy());
      // Either side going away takes the other with it (no half-open connections).
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      // Replies pass a gate that can drop them; the pipe still carries the backend's end.
      const gate = new Transform({ transform: (chunk, _enc, done) => done(null, replies.held ? undefined : chunk) });
      upstream.pipe(gate).pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    forwarded,
    backendOf: (clientPort) => pairs.get(clientPort)?.backendPort,
    holdReplies(port) {
      for (const p of pairs.values()) if (p.backendPort === port) p.replies.held = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
