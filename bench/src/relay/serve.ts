/** Listening and stopping, alike for the relay and the durable floor: the coordinator reads the port line. */
import type http from 'node:http';
import type { WebSocketServer } from 'ws';

export function listenUntilSignalled(server: http.Server, wss: WebSocketServer, port: number, label: string): void {
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    console.log(`${label} LISTENING ${typeof addr === 'object' && addr ? addr.port : port}`);
  });
  const stop = () => {
    wss.close();
    server.close();
    setTimeout(() => process.exit(0), 200).unref();
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
