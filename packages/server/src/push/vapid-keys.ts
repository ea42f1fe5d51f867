/**
 * The VAPID key pair that signs every Web Push request. Browsers bind a subscription to
 * the public key it was made with, so the pair must outlive restarts and be the same on
 * every node: PARLEY_VAPID_PUBLIC_KEY / PARLEY_VAPID_PRIVATE_KEY when set (several nodes),
 * else generated once into <dataDir>/vapid.json (mode 0600) and reused, like the JWT
 * secret in secrets.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';
import type { Config } from '../config';
import type { VapidKeys } from './port';

/**
 * The deployment's pair, loaded on first use, so nodes (and tests) that never push
 * never create a key file.
 */
export function lazyVapidKeys(config: Pick<Config, 'dataDir' | 'notifications'>): () => VapidKeys {
  let keys: VapidKeys | null = null;
  return () => {
    if (keys) return keys;
    const cfg = config.notifications;
    const fromEnv = cfg?.vapidPublicKey && cfg.vapidPrivateKey ? { publicKey: cfg.vapidPublicKey, privateKey: cfg.vapidPrivateKey } : null;
    keys = loadVapidKeys(config.dataDir, fromEnv, () => webpush.generateVAPIDKeys());
    return keys;
  };
}

export function loadVapidKeys(dataDir: string, fromEnv: VapidKeys | null, generate: () => VapidKeys): VapidKeys {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, 'vapid.json');
  if (existsSync(file)) return readKeys(file);
  mkdirSync(dataDir, { recursive: true });
  const keys = generate();
  try {
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process on the same data dir wrote it first: theirs is the one to use.
    if ((err as { code?: string }).code === 'EEXIST') return readKeys(file);
    throw err;
  }
  return keys;
}

function readKeys(file: string): VapidKeys {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<VapidKeys>;
  if (typeof parsed.publicKey !== 'string' || typeof parsed.privateKey !== 'string') throw new Error(`${file} does not hold a VAPID key pair`);
  return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
}
