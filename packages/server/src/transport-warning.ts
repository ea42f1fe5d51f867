/**
 * The start-up check of issue 20: a node reachable from other machines that serves plain
 * HTTP, with no trusted proxy declared to terminate TLS in front of it, sends passwords
 * and messages in clear text. It still starts (a LAN trial is legitimate), but says so.
 */
import type { Config } from './config';
import { isLoopback } from './edge-config';

function onLoopbackOnly(host: string): boolean {
  return host === 'localhost' || isLoopback(host);
}

/** The warning to print at start, or null when transport is protected (or stays on this machine). */
export function transportWarning(config: Pick<Config, 'host' | 'tls' | 'trustProxy' | 'publicUrl'>): string | null {
  if (config.tls || onLoopbackOnly(config.host)) return null;
  const proxyDeclared = config.trustProxy !== 'none' && (config.publicUrl?.startsWith('https://') ?? false);
  if (proxyDeclared) return null;
  return [
    `Parley is listening on ${config.host} with plain HTTP: passwords, tokens and messages cross the network unencrypted.`,
    'Set PARLEY_TLS_CERT and PARLEY_TLS_KEY to serve HTTPS here, or put a TLS-terminating proxy in front',
    '(PARLEY_TRUST_PROXY and PARLEY_PUBLIC_URL=https://...), or HOST=127.0.0.1 to stay on this machine. See docs/security.md.',
  ].join('\n');
}
