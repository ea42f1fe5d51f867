import net, { type AddressInfo } from 'node:net';
import { createECDH, randomBytes } from 'node:crypto';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { WebPushSender } from './web-push-sender';

const keys = () => ({ publicKey: 'unused', privateKey: 'unused' });
const generated = webpush.generateVAPIDKeys();
const vapid = () => generated;
const browser = createECDH('prime256v1');
browser.generateKeys();
const P256DH = browser.getPublicKey('base64url');
const AUTH = randomBytes(16).toString('base64url');

describe('WebPushSender.endpointAllowed', () => {
  it('in production: https to a DNS name only', () => {
    const s = new WebPushSender({ keys, subject: 'mailto:a@b.example', allowInsecure: false });
    expect(s.endpointAllowed('https://fcm.googleapis.com/fcm/send/abc')).toBe(true);
    expect(s.endpointAllowed('https://updates.push.services.mozilla.com/wpush/v2/x')).toBe(true);
    for (const bad of [
      'http://fcm.googleapis.com/x',
      'https://127.0.0.1/x',
      'https://10.0.0.5/x',
      'https://[::1]/x',
      'https://localhost/x',
      'https://push.localhost/x',
      'https://intranet/x',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://redis.internal:6379/',
      'https://push.example.com:6379/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://user:pw@push.example.com/x',
      'http://127.0.0.1:8080/x',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(s.endpointAllowed(bad), bad).toBe(false);
    }
  });

  it('with PARLEY_PUSH_ALLOW_INSECURE: also plain http to loopback, nowhere else', () => {
    const s = new WebPushSender({ keys, subject: 'mailto:a@b.example', allowInsecure: true });
    expect(s.endpointAllowed('http://127.0.0.1:8080/push/1')).toBe(true);
    expect(s.endpointAllowed('http://localhost:8080/push/1')).toBe(true);
    expect(s.endpointAllowed('http://10.0.0.5/push/1')).toBe(false);
    expect(s.endpointAllowed('http://push.example.com/x')).toBe(false);
  });

  it('never posts to an endpoint it does not allow, nor to a name that resolves inward', async () => {
    let connections = 0;
    const listener = net.createServer((sock) => {
      connections++;
      sock.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as AddressInfo).port;
    try {
      const target = (endpoint: string) => ({ endpoint, p256dh: P256DH, auth: AUTH });
      const s = new WebPushSender({ keys: vapid, subject: 'mailto:a@b.example', allowInsecure: false, timeoutMs: 2000, outbound: { lookup: async () => [{ address: '127.0.0.1', family: 4 }] } });
      expect(await s.send(target(`http://127.0.0.1:${port}/x`), '{}', { ttlSec: 60, urgency: 'normal' })).toBe('gone');
      // Passes the text check, resolves to loopback at send time: refused, forgotten.
      expect(s.endpointAllowed('https://push.example.com/x')).toBe(true);
      expect(await s.send(target('https://push.example.com/x'), '{}', { ttlSec: 60, urgency: 'normal' })).toBe('gone');
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});
