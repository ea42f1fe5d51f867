/**
 * A stand-in push service for tests: a local HTTP server that receives Web Push POSTs
 * and decrypts them like a browser would, with the subscription's own P-256 key pair and
 * auth secret (made here with node:crypto). Each subscription gets its own path; a path
 * can be told to answer 410 Gone, as a push service does for an expired subscription.
 */
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  payload: Record<string, any>;
}

export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export class PushEndpoint {
  readonly received: ReceivedPush[] = [];
  private readonly keys = new Map<string, { ecdh: ECDH; auth: string; status: number }>();
  private waiters: { pred: (p: ReceivedPush) => boolean; resolve: (p: ReceivedPush) => void }[] = [];
  private next = 0;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<PushEndpoint> {
    let self: PushEndpoint | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = self?.onPush(req.url ?? '', req.headers, Buffer.concat(chunks)) ?? 500;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new PushEndpoint(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** A new browser-like subscription: fresh key pair and auth secret, its own endpoint path. */
  subscription(): TestSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    const path = `/push/${++this.next}`;
    this.keys.set(path, { ecdh, auth, status: 201 });
    return { endpoint: this.baseUrl + path, keys: { p256dh: ecdh.getPublicKey('base64url'), auth } };
  }

  /** From now on this subscription's endpoint answers `status` (410: expired). */
  answer(sub: TestSubscription, status: number): void {
    this.keys.get(new URL(sub.endpoint).pathname)!.status = status;
  }

  waitFor(pred: (p: ReceivedPush) => boolean, timeoutMs = 20_000): Promise<ReceivedPush> {
    const hit = this.received.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching push within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((r) => r.payload))}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onPush(path: string, headers: IncomingHttpHeaders, body: Buffer): number {
    const sub = this.keys.get(path);
    if (!sub) return 404;
    if (sub.status !== 201) return sub.status;
    const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth });
    const push: ReceivedPush = { path, headers, payload: JSON.parse(plain.toString('utf8')) as Record<string, any> };
    this.received.push(push);
    for (const w of [...this.waiters]) {
      if (w.pred(push)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(push);
      }
    }
    return 201;
  }
}
