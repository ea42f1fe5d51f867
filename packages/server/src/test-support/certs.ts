/**
 * Certificates made in the test with the openssl command line (on every Debian machine,
 * no npm dependency, and it makes a real CA chain rather than a lone self-signed leaf):
 * a throw-away CA, and server certificates it signs for localhost / 127.0.0.1 / ::1.
 * Clients trust the CA (`ca`), or Chromium the leaf key's SPKI hash.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCa {
  dir: string;
  /** PEM of the CA certificate: what clients trust. */
  caCert: string;
  /** A new server certificate signed by this CA. */
  issue(opts?: { keyType?: 'rsa' | 'ec'; hosts?: string[] }): ServerCert;
  remove(): void;
}

export interface ServerCert {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  /** SHA-256 fingerprint of the certificate (as X509Certificate.fingerprint256 shows it). */
  fingerprint256: string;
  /** base64 SHA-256 of the public key's SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list). */
  spkiSha256: string;
}

let serial = 0;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function openSslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-certs-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Parley Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return {
    dir,
    caCert: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
    issue({ keyType = 'rsa', hosts = ['localhost', '127.0.0.1', '::1'] } = {}) {
      const name = `server-${++serial}`;
      const keyArgs = keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
      openssl(['req', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost'], dir);
      const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
      writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
      openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(Date.now() * 100 + serial), '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
      const certFile = path.join(dir, `${name}.crt`);
      const keyFile = path.join(dir, `${name}.key`);
      const cert = readFileSync(certFile, 'utf8');
      const key = readFileSync(keyFile, 'utf8');
      const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
      return { cert, key, certFile, keyFile, fingerprint256: new X509Certificate(cert).fingerprint256, spkiSha256: createHash('sha256').update(spki).digest('base64') };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
