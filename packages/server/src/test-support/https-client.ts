/**
 * Node clients that trust a test CA: a fetch (global fetch cannot take a CA without the
 * undici package, so this one runs on node:https and returns a standard Response), a
 * `ws` WebSocket class for the SDK, and a raw TLS probe that reports what was negotiated.
 */
import https from 'node:https';
import tls from 'node:tls';
import WebSocket from 'ws';

export function fetchTrusting(ca: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const body = init.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : Buffer.from(init.body as ArrayBuffer);
    return new Promise<Response>((resolve, reject) => {
      const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers as Record<string, string>, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }) as typeof fetch;
}

/** A `ws` WebSocket that trusts the CA (the SDK takes a constructor with the URL only). */
export function webSocketTrusting(ca: string) {
  return class TrustingWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { ca, perMessageDeflate: false });
    }
  };
}

export interface TlsProbe {
  ok: boolean;
  protocol: string | null;
  cipher: string | null;
  fingerprint256: string | null;
  error: string | null;
}

/** Opens a TLS connection with these client options and reports the handshake. */
export function probeTls(url: string, opts: tls.ConnectionOptions): Promise<TlsProbe> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = tls.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port), servername: 'localhost', ...opts }, () => {
      const result = { ok: true, protocol: sock.getProtocol(), cipher: sock.getCipher().standardName, fingerprint256: sock.getPeerX509Certificate()?.fingerprint256 ?? null, error: null };
      sock.end();
      resolve(result);
    });
    sock.on('error', (err) => resolve({ ok: false, protocol: null, cipher: null, fingerprint256: null, error: err.message }));
  });
}
