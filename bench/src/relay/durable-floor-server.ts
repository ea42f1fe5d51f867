/**
 * The durable floor: the bare relay plus the least a durable chat server must do. Each
 * send frame ({type:'req', id, data:{to:'r:<room>', clientMessageId, body}}) gets the
 * next gapless seq of its conversation and is appended to a table keyed by
 * (conversation, seq); every frame that arrived in one event-loop turn is committed
 * together, and only after COMMIT is the event forwarded to the other members of the
 * room (serialized once) and the send acknowledged with its seq. No auth, no
 * idempotency, no search, no receipts: what is left of Parley's cost above this is
 * its own work, not durability's.
 *
 * FLOOR_STORAGE=sqlite: better-sqlite3, WAL, synchronous as FLOOR_SQLITE_SYNCHRONOUS
 * (FULL, Parley's default), on the event loop (the fsync blocks it, as a naive server would).
 * FLOOR_STORAGE=postgres: postgres.js on one connection, one multi-row INSERT per turn
 * (its own transaction; synchronous_commit on, the server default), pipelined, so
 * commits complete in seq order. Prints "FLOOR LISTENING <port>".
 */
import http from 'node:http';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { Rooms } from './rooms';
import { listenUntilSignalled } from './serve';

interface SendFrame {
  id?: unknown;
  data?: { to?: unknown; clientMessageId?: unknown; body?: unknown };
}

interface Pending {
  ws: WebSocket;
  reqId: unknown;
  room: string;
  seq: number;
  sender: string;
  clientMessageId: string;
  body: string;
  at: number;
}

type Commit = (batch: readonly Pending[]) => Promise<void> | void;

const SCHEMA = `CREATE TABLE IF NOT EXISTS floor_messages (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  sender_id TEXT NOT NULL,
  client_message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq)
)`;

function sqliteCommit(file: string, synchronous: string): Commit {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO floor_messages (conversation_id, seq, sender_id, client_message_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const tx = db.transaction((batch: readonly Pending[]) => {
    for (const m of batch) insert.run(m.room, m.seq, m.sender, m.clientMessageId, m.body, m.at);
  });
  return (batch) => tx(batch);
}

async function postgresCommit(url: string): Promise<Commit> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(SCHEMA);
  return async (batch) => {
    await sql`INSERT INTO floor_messages (conversation_id, seq, sender_id, client_message_id, body, created_at)
      SELECT * FROM unnest(${batch.map((m) => m.room)}::text[], ${batch.map((m) => m.seq)}::int[], ${batch.map((m) => m.sender)}::text[],
        ${batch.map((m) => m.clientMessageId)}::text[], ${batch.map((m) => m.body)}::text[], ${batch.map((m) => m.at)}::bigint[])`;
  };
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 0);
  const storage = process.env.FLOOR_STORAGE ?? 'sqlite';
  const commit = storage === 'postgres' ? await postgresCommit(process.env.FLOOR_PG_URL ?? '') : sqliteCommit(process.env.FLOOR_SQLITE_PATH ?? 'floor.db', process.env.FLOOR_SQLITE_SYNCHRONOUS ?? 'FULL');
  const rooms = new Rooms();
  const lastSeq = new Map<string, number>();
  let turn: Pending[] = [];

  const publish = (batch: readonly Pending[]) => {
    for (const m of batch) {
      const event = JSON.stringify({ type: 'event', data: { conversationId: m.room, seq: m.seq, senderId: m.sender, clientMessageId: m.clientMessageId, body: m.body, createdAt: m.at } });
      for (const peer of rooms.members(m.room)) if (peer !== m.ws) peer.send(event, { binary: false });
      m.ws.send(JSON.stringify({ type: 'res', id: m.reqId, ok: true, data: { seq: m.seq } }), { binary: false });
    }
  };
  const fail = (err: unknown) => {
    // The floor never drops a commit silently: a failed one ends the run.
    console.error(`floor commit failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  };
  const flush = () => {
    const batch = turn;
    turn = [];
    try {
      const done = commit(batch);
      if (done) done.then(() => publish(batch), fail);
      else publish(batch);
    } catch (err) {
      fail(err);
    }
  };

  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false, maxPayload: 64 * 1024 });
  wss.on('connection', (ws, req) => {
    const { id } = rooms.attach(ws, req.url);
    ws.on('message', (data: RawData) => {
      let frame: SendFrame;
      try {
        frame = JSON.parse(data.toString()) as SendFrame;
      } catch {
        return;
      }
      const to = frame.data?.to;
      const body = frame.data?.body;
      const clientMessageId = frame.data?.clientMessageId;
      if (typeof to !== 'string' || !to.startsWith('r:') || typeof body !== 'string' || typeof clientMessageId !== 'string') return;
      const room = to.slice(2);
      const seq = (lastSeq.get(room) ?? 0) + 1;
      lastSeq.set(room, seq);
      if (turn.length === 0) setImmediate(flush);
      turn.push({ ws, reqId: frame.id, room, seq, sender: id, clientMessageId, body, at: Date.now() });
    });
  });

  listenUntilSignalled(server, wss, port, 'FLOOR');
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
