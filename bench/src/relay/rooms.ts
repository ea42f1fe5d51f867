/**
 * Who is connected to the relay and the floor: a socket connects to /?id=<client>&rooms=<a,b>
 * and is reachable by its id ("u:<id>") and in each of its rooms ("r:<room>") until it closes.
 */
import type { WebSocket } from 'ws';

const NONE: ReadonlySet<WebSocket> = new Set();

export class Rooms {
  private readonly byClient = new Map<string, Set<WebSocket>>();
  private readonly byRoom = new Map<string, Set<WebSocket>>();

  /** Registers the socket under the id and rooms of its URL; it leaves them on close. */
  attach(ws: WebSocket, reqUrl: string | undefined): { id: string; rooms: string[] } {
    const url = new URL(reqUrl ?? '/', 'http://relay');
    const id = url.searchParams.get('id') ?? '';
    const rooms = (url.searchParams.get('rooms') ?? '').split(',').filter(Boolean);
    join(this.byClient, id, ws);
    for (const r of rooms) join(this.byRoom, r, ws);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      leave(this.byClient, id, ws);
      for (const r of rooms) leave(this.byRoom, r, ws);
    });
    return { id, rooms };
  }

  /** The sockets an address ("u:<id>" or "r:<room>") reaches. */
  addressed(to: string): ReadonlySet<WebSocket> {
    return (to.startsWith('r:') ? this.byRoom.get(to.slice(2)) : this.byClient.get(to.slice(2))) ?? NONE;
  }

  members(room: string): ReadonlySet<WebSocket> {
    return this.byRoom.get(room) ?? NONE;
  }
}

function join(map: Map<string, Set<WebSocket>>, key: string, ws: WebSocket): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(ws);
}

function leave(map: Map<string, Set<WebSocket>>, key: string, ws: WebSocket): void {
  const set = map.get(key);
  if (set && set.delete(ws) && set.size === 0) map.delete(key);
}
