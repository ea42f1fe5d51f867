/** Catch-up (sync, over HTTP and WebSocket) and the socket heartbeat. */
import type { FrameData, HttpBindings, WsBindings } from './kit';
import { http, perUser, userOp, ws } from './kit';

export const syncOperations = {
  /** One operation over HTTP and WebSocket: syncs count against the request budget under one key, whichever way they come. */
  sync: userOp({ rate: perUser('request'), run: (s, c, input: FrameData<'sync'>) => s.sync.sync(c.userId, input) }),
  ping: userOp({
    // The heartbeat: it reads nothing, and refusing it would only make the client think
    // its connection dead. A flood is just frames, like any other on the socket.
    rate: { rule: null, why: 'the heartbeat reads nothing; refusing it would make the client drop a live connection' },
    run: async (s) => ({ serverTime: s.deps.clock() }),
  }),
};

const ops = syncOperations;

export const syncRoutes: Pick<HttpBindings, 'sync'> = {
  sync: http('sync', ops.sync, { input: ({ body }) => body }),
};

export const syncFrames: Pick<WsBindings, 'sync' | 'ping'> = {
  sync: ws('sync', ops.sync, (data) => data, (r) => r),
  ping: ws('ping', ops.ping, () => undefined, (r) => r),
};
