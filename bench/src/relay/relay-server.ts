/**
 * The ceiling: a bare WebSocket relay (the `ws` library, no auth, no storage, no
 * acknowledgement). A client connects to /?id=<client>&rooms=<a,b>; each text frame
 * is parsed once (a real router must read the addressee) and the received bytes are
 * forwarded unchanged to the addressee's sockets ("u:<id>") or to every other member
 * of a room ("r:<room>"). GET /page answers a prebuilt 50-message page, the ceiling
 * for a history request. Run as its own process; prints "RELAY LISTENING <port>".
 */
import http from 'node:http';
import { WebSocketServer, type RawData } from 'ws';
import { Rooms } from './rooms';
import { listenUntilSignalled } from './serve';

interface RelayFrame {
  data?: { to?: unknown };
}

function buildPage(): string {
  const messages = Array.from({ length: 50 }, (_, i) => ({
    id: `0192f0c0a1b2c3d4e5f6a7b8c9d0e1${String(i).padStart(2, '0')}`,
    conversationId: '0192f0c0a1b2c3d4e5f6a7b8c9d0e1f2',
    seq: 999_950 + i,
    senderId: '0192f0c0a1b2c3d4e5f6a7b8c9d0e1f3',
    clientMessageId: `h-${i}`,
    title: null,
    body: 'x'.repeat(100),
    createdAt: 1_700_000_000_000 + i,
    editedAt: null,
    deletedAt: null,
  }));
  return JSON.stringify({ messages, hasMore: true });
}

function main(): void {
  const port = Number(process.env.PORT ?? 0);
  const rooms = new Rooms();
  const page = buildPage();

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/page')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(page);
      return;
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false, maxPayload: 64 * 1024 });

  wss.on('connection', (ws, req) => {
    rooms.attach(ws, req.url);
    ws.on('message', (data: RawData) => {
      let to: unknown;
      try {
        to = (JSON.parse(data.toString()) as RelayFrame).data?.to;
      } catch {
        return;
      }
      if (typeof to !== 'string') return;
      for (const peer of rooms.addressed(to)) if (peer !== ws) peer.send(data, { binary: false });
    });
  });

  listenUntilSignalled(server, wss, port, 'RELAY');
}

main();
