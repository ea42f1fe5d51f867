/** A real `ws` WebSocket with switches that imitate a dead network and lost replies (integration tests). */
import WebSocket from 'ws';
import type { WebSocketCtor } from '../connection';

/**
 * A `ws` WebSocket the test can sabotage: `killAll()` drops every live socket like a
 * dead network (1006), `loseNextSendReply()` lets the next send reach the server
 * but kills the socket instead of delivering the reply, and `setOffline(true)` kills
 * the live sockets and makes every new one fail to connect until `setOffline(false)`.
 */
export function sabotageableWebSocket() {
  const live = new Set<WebSocket>();
  const sentMessageIds: string[] = [];
  let loseSendReply = false;
  let offline = false;
  class Sabotage extends WebSocket {
    private readonly sendIds = new Set<number>();
    constructor(url: string) {
      // Offline: a port nobody listens on, so the connection is refused like on a dead network.
      super(offline ? 'ws://127.0.0.1:1/ws' : url);
      live.add(this);
      this.on('close', () => live.delete(this));
    }
    override send(data: string): void {
      const frame = JSON.parse(data) as { type: string; op?: string; id?: number; data?: { clientMessageId?: string } };
      if (frame.op === 'send') sentMessageIds.push(frame.data?.clientMessageId ?? '');
      if (frame.type === 'req' && frame.op === 'send' && loseSendReply && frame.id !== undefined) {
        loseSendReply = false;
        this.sendIds.add(frame.id);
      }
      super.send(data);
    }
    // Every inbound frame passes through emit('message', data, isBinary) in `ws`.
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        const frame = JSON.parse(String(args[0])) as { type: string; id?: number };
        if (frame.type === 'res' && frame.id !== undefined && this.sendIds.has(frame.id)) {
          this.terminate(); // the message is stored; its reply never arrives
          return true;
        }
      }
      return super.emit(event, ...args);
    }
  }
  return {
    WebSocket: Sabotage as WebSocketCtor,
    sentMessageIds,
    killAll: () => live.forEach((s) => s.terminate()),
    setOffline: (value: boolean) => {
      offline = value;
      if (value) live.forEach((s) => s.terminate());
    },
    loseNextSendReply: () => {
      loseSendReply = true;
    },
  };
}

