import { describe, expect, it } from 'vitest';
import { WebPushSender } from './web-push-sender';

const keys = () => ({ publicKey: 'unused', privateKey: 'unused' });

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

  it('never posts to an endpoint it does not allow', async () => {
    let called = false;
    const s = new WebPushSender({ keys, subject: 'mailto:a@b.example', allowInsecure: false, fetch: (async () => ((called = true), new Response(null, { status: 201 }))) as typeof fetch });
    expect(await s.send({ endpoint: 'http://127.0.0.1/x', p256dh: 'k', auth: 'a' }, '{}', { ttlSec: 60, urgency: 'normal' })).toBe('gone');
    expect(called).toBe(false);
  });
});
