import type { FastifyInstance } from 'fastify';

/**
 * The web app needs no inline script, so the policy forbids it: even if text slipped
 * through as HTML, it could not run. Images come from this origin only (avatars and
 * attachments are served by Parley), so no page makes a viewer's browser call a
 * third-party server that could track who looked.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** One year; no includeSubDomains: other hosts of the operator's domain may not be on HTTPS. */
export const HSTS = 'max-age=31536000';

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Only over HTTPS (this port's TLS, or X-Forwarded-Proto from a trusted proxy): a
    // browser ignores HSTS on plain HTTP, and an attacker could inject one anyway.
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
