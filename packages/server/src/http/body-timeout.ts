/**
 * A JSON request's body must arrive within the body timeout once its headers have:
 * a client that declares `Content-Length: 60000` and sends a byte every 10 s would
 * otherwise hold its connection (and a parser) for a week. Uploads are exempt (their
 * routes set `config: { streamedBody: true }`); the whole-request timeout bounds them.
 * The connection is closed: there is no way to answer a request whose body never came.
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads a long body itself (uploads): the JSON body timeout does not apply. */
    streamedBody?: boolean;
  }
}

export function installBodyTimeout(app: FastifyInstance, timeoutMs: number, onTimeout: () => void = () => {}): void {
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.streamedBody) return;
    const raw = req.raw;
    const declared = raw.headers['content-length'];
    const hasBody = raw.headers['transfer-encoding'] !== undefined || (declared !== undefined && declared !== '0');
    if (!hasBody || raw.complete) return;
    const timer = setTimeout(() => {
      if (raw.complete) return;
      onTimeout();
      raw.socket?.destroy();
    }, timeoutMs);
    const clear = () => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
  });
}
