/**
 * TLS for a node that faces clients itself (no proxy in front): the certificate and
 * key come from PEM files (PARLEY_TLS_CERT / PARLEY_TLS_KEY), and are read again on
 * SIGHUP, so a renewed certificate (certbot's deploy hook) is served to new connections
 * while open sockets carry on.
 *
 * Defaults follow Mozilla's "intermediate" profile: TLS 1.2 and 1.3 only, and for 1.2
 * only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305); no CBC, no
 * RSA key exchange, no SHA-1 MACs. TLS 1.3 suites are all strong and keep Node's defaults.
 */
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
}

export const TLS_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** What every secure context of Parley has, besides its certificate and key. */
export const TLS_DEFAULTS: TlsOptions = {
  minVersion: 'TLSv1.2',
  ciphers: TLS_CIPHERS,
  // Clients pick among equally strong suites (ChaCha20 on phones without AES hardware).
  honorCipherOrder: false,
};

export function readTlsFiles(files: { certFile: string; keyFile: string }): TlsMaterial {
  try {
    return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
  } catch (err) {
    throw new Error(`cannot read the TLS certificate or key (PARLEY_TLS_CERT / PARLEY_TLS_KEY): ${(err as Error).message}`, { cause: err });
  }
}

export function secureContextOptions(material: TlsMaterial): SecureContextOptions & TlsOptions {
  return { ...TLS_DEFAULTS, cert: material.cert, key: material.key };
}
