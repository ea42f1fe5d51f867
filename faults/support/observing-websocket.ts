/**
 * The `ws` WebSocket, watched: every reply to a send request (ok or error code) and every
 * close code is recorded before the SDK sees it. This is how a scenario proves "never an
 * ack without a commit" and "the drained node closed with 4000" from the wire itself.
 */
import WebSocket from 'ws';
import type { WebSocketCtor } from '@parley/client';
import type { HistoryRecorder } from './history-checker';

export function observingWebSocket(client: string, rec: HistoryRecorder): WebSocketCtor {
  class Observed extends WebSocket {
    private readonly sendRequests = new Map<number, string>();

    constructor(url: string) {
      super(url);
      this.on('close', (code: number) => rec.closes.push({ client, code, at: Date.now() }));
      // The local port names this connection to the proxy in front of the nodes.
      this.on('upgrade', (res: { socket: { localPort?: number } }) => {
        if (res.socket.localPort) rec.localPorts.set(client, res.socket.localPort);
      });
      this.on('message', (raw: WebSocket.RawData) => {
        let frame: { type?: string; id?: unknown; ok?: boolean; event?: { conversationId: string; seq: number }; data?: { message?: { id: string; seq: number; conversationId: string } }; error?: { code?: string } };
        try {
          frame = JSON.parse(raw.toString()) as typeof frame;
        } catch {
          return;
        }
        if (frame.type === 'event' && frame.event) rec.pushed.add(`${client}/${frame.event.conversationId}/${frame.event.seq}`);
        if (frame.type !== 'res' || typeof frame.id !== 'number') return;
        const clientMessageId = this.sendRequests.get(frame.id);
        if (clientMessageId === undefined) return;
        this.sendRequests.delete(frame.id);
        rec.replies.push({
          client,
          clientMessageId,
          ok: frame.ok === true,
          ...(frame.error?.code ? { code: frame.error.code } : {}),
          ...(frame.data?.message ? { message: { id: frame.data.message.id, seq: frame.data.message.seq, conversationId: frame.data.message.conversationId } } : {}),
          at: Date.now(),
          attempt: rec.attempts.get(clientMessageId) ?? 0,
        });
      });
    }

    override send(data: unknown, ...rest: unknown[]): void {
      try {
        const frame = JSON.parse(String(data)) as { type?: string; op?: string; id?: number; data?: { clientMessageId?: string } };
        if (frame.type === 'req' && frame.op === 'send' && typeof frame.id === 'number') {
          const clientMessageId = frame.data?.clientMessageId ?? '';
          this.sendRequests.set(frame.id, clientMessageId);
          rec.attempts.set(clientMessageId, (rec.attempts.get(clientMessageId) ?? 0) + 1);
          if (!rec.firstAttemptAt.has(clientMessageId)) rec.firstAttemptAt.set(clientMessageId, Date.now());
        }
      } catch {
        /* not JSON: not ours to watch */
      }
      (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
  }
  return Observed as unknown as WebSocketCtor;
}
