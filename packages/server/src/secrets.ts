import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

interface SecretsFile {
  jwtSecret: string;
}

/**
 * The JWT signing key: PARLEY_JWT_SECRET when set (several nodes must share it), else
 * generated once into <dataDir>/secrets.json (mode 0600) and reused on every restart,
 * so sessions survive restarts.
 */
export function loadJwtSecret(dataDir: string, fromEnv: string | null): Uint8Array {
  if (fromEnv) {
    const buf = Buffer.from(fromEnv, 'utf8');
    if (buf.length < 32) throw new Error('PARLEY_JWT_SECRET must be at least 32 characters');
    return buf;
  }
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as SecretsFile;
    return Buffer.from(parsed.jwtSecret, 'base64url');
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: SecretsFile = { jwtSecret: randomBytes(32).toString('base64url') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return Buffer.from(secrets.jwtSecret, 'base64url');
}
