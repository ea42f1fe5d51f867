/**
 * All settings come from environment variables (README lists them). Parsed once at
 * start; a bad value stops the process with a clear message rather than running
 * half-configured.
 */
import path from 'node:path';
import { loadEdgeConfig, type EdgeConfig } from './edge-config';

export interface RateRuleConfig {
  limit: number;
  windowMs: number;
}

/** Edge settings (trusted proxies, TLS, timeouts, caps, /metrics access) are in edge-config.ts. */
export interface Config extends EdgeConfig {
  host: string;
  port: number;
  dataDir: string;
  /** A SQLite file path, or a postgres:// URL. */
  databaseUrl: string;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so deployments (or tests) can share one Redis. */
  redisPrefix: string;
  /** Shared secret for access tokens; generated into dataDir when unset. */
  jwtSecret: string | null;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  logLevel: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Most sends committed in one transaction. */
  groupCommitMax: number;
  /**
   * Send transactions in flight at once, each for its own share of the conversations.
   * 1 on SQLite (one writer); several on PostgreSQL, where a commit waits on the WAL
   * flush and the database has other cores. Optional so hand-built test configs stay valid.
   */
  groupCommitLanes?: number;
  maxGroupMembers: number;
  /**
   * Presence changes are pushed to direct conversations and to groups of at most this
   * many members (0: direct conversations only); members of bigger groups ask
   * GET /api/users/:userId. Pushing to every group is O(members²) frames.
   */
  presenceGroupMax: number;
  /** Serve the built web app from this folder when it exists. */
  webDir: string;
  rateLimits: {
    login: RateRuleConfig;
    register: RateRuleConfig;
    send: RateRuleConfig;
    typing: RateRuleConfig;
    request: RateRuleConfig;
    /** Data exports per user (GET /api/me/export); optional so hand-built test configs stay valid. */
    export?: RateRuleConfig;
    /**
     * Account erasure attempts per user (DELETE /api/me). Its own rule: each attempt costs
     * a password hash check, which the request budget would allow hundreds of a minute,
     * and nobody erases an account twice. Optional as above.
     */
    erase?: RateRuleConfig;
  };
  /** Most keys an in-memory rate limiter holds (the embedded one, and the fallback when Redis fails); optional so hand-built test configs stay valid. */
  rateLimitMemoryKeys?: number;
  /** Deadline of each Redis call of the rate limiter and presence, ms; optional so hand-built test configs stay valid. */
  redisTimeoutMs?: number;
  /**
   * Deadline of each storage call a request makes, ms (store/deadline.ts); PostgreSQL's
   * statement_timeout too. Optional so hand-built test configs stay valid.
   */
  dbTimeoutMs?: number;
  /** SQLite: /readyz says not ready while the database's file system has less free space than this, bytes; optional so hand-built test configs stay valid. */
  diskMinFreeBytes?: number;
  /** PostgreSQL lock_timeout, ms: a write waiting this long for a row or table lock fails UNAVAILABLE. */
  dbLockTimeoutMs?: number;
  /** How long the bus may fail to deliver before this node sends its sockets elsewhere (realtime/bus-watchdog.ts), ms; optional so hand-built test configs stay valid. */
  busGraceMs?: number;
  /** Pushes buffered for one socket before it is closed as a slow consumer. */
  socketBufferMaxBytes: number;
  /**
   * How often the WebSocket gateway sweeps its sockets (heartbeat timeouts, expired
   * access tokens, presence renewal); unset means the gateway's default (10 s). Not an
   * environment setting: tests shorten it to see a token expire without waiting.
   */
  gatewayTickMs?: number;
  /**
   * How often a node re-checks its open sockets against the database — revoked sessions,
   * suspensions, memberships — in case the bus lost the message that should have told
   * it (realtime/session-recheck.ts). Optional so hand-built test configs stay valid
   * (default 10 s).
   */
  recheckIntervalMs?: number;
  nodeId: string;
  /** Messages older than this many days are deleted by the hourly maintenance; null keeps them forever. */
  retentionDays: number | null;
  /** Attachments: size limit per file, quota per user, and how long an unsent upload is kept. */
  attachments: { uploadMaxBytes: number; userQuotaBytes: number; orphanTtlSec: number };
  /** Where attachment bytes live; S3 credentials come from the standard AWS variables. */
  blobs: { store: 'disk' | 's3'; s3Bucket: string | null; s3Endpoint: string | null; s3Region: string | null };
  /** Content filter for spam (domain/content-filter.ts, repeat-guard.ts); optional so hand-built test configs stay valid. */
  contentFilter?: { words: string[]; maxLinks: number; blockedDomains: string[]; repeatMax: number; repeatWindowSec: number };
  /** Notifications and browser push (domain/notifications-service.ts); optional so hand-built test configs stay valid. */
  notifications?: { groupMax: number; vapidPublicKey: string | null; vapidPrivateKey: string | null; vapidSubject: string; pushAllowInsecure: boolean };
  /** Server-made requests to URLs users gave (outbound/guard.ts): the ports an https URL may name (default 443). Optional so hand-built test configs stay valid. */
  outbound?: { allowPorts: number[] };
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/** "LIMIT/SECONDS", e.g. "30/10" = 30 per 10 s. */
function rule(env: Env, name: string, def: RateRuleConfig): RateRuleConfig {
  const raw = env[name];
  if (!raw) return def;
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(raw);
  if (!m) throw new Error(`${name} must look like LIMIT/SECONDS (e.g. 30/10), got "${raw}"`);
  return { limit: Number(m[1]), windowMs: Math.round(Number(m[2]) * 1000) };
}

function blobConfig(env: Env): Config['blobs'] {
  const store = env.PARLEY_BLOB_STORE || 'disk';
  if (store !== 'disk' && store !== 's3') throw new Error(`PARLEY_BLOB_STORE must be disk or s3, got "${store}"`);
  if (store === 's3' && !env.PARLEY_S3_BUCKET) throw new Error('PARLEY_S3_BUCKET is required when PARLEY_BLOB_STORE=s3');
  return { store, s3Bucket: env.PARLEY_S3_BUCKET || null, s3Endpoint: env.PARLEY_S3_ENDPOINT || null, s3Region: env.PARLEY_S3_REGION || null };
}

/** Both or neither: a node with half a pair would sign pushes no browser accepts. */
function vapidPair(env: Env): { vapidPublicKey: string | null; vapidPrivateKey: string | null } {
  const pub = env.PARLEY_VAPID_PUBLIC_KEY || null;
  const priv = env.PARLEY_VAPID_PRIVATE_KEY || null;
  if ((pub === null) !== (priv === null)) throw new Error('set both PARLEY_VAPID_PUBLIC_KEY and PARLEY_VAPID_PRIVATE_KEY, or neither');
  return { vapidPublicKey: pub, vapidPrivateKey: priv };
}

/** Comma-separated TCP ports, e.g. "443,8443". */
function ports(env: Env, name: string, def: number[]): number[] {
  const raw = env[name];
  if (!raw) return def;
  const list = raw.split(',').map((p) => p.trim()).filter(Boolean).map(Number);
  if (list.length === 0 || list.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new Error(`${name} must be comma-separated ports (e.g. 443,8443), got "${raw}"`);
  return list;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = path.resolve(env.PARLEY_DATA_DIR ?? './data');
  const sync = (env.PARLEY_SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new Error('PARLEY_SQLITE_SYNCHRONOUS must be FULL or NORMAL');
  return {
    ...loadEdgeConfig(env),
    host: env.HOST ?? '0.0.0.0',
    port: int(env, 'PORT', 8080),
    dataDir,
    databaseUrl: env.PARLEY_DATABASE_URL ?? path.join(dataDir, 'parley.db'),
    redisUrl: env.PARLEY_REDIS_URL || null,
    redisPrefix: env.PARLEY_REDIS_PREFIX ?? 'parley:',
    jwtSecret: env.PARLEY_JWT_SECRET || null,
    accessTokenTtlSec: int(env, 'PARLEY_ACCESS_TOKEN_TTL', 900, 5),
    refreshTokenTtlSec: int(env, 'PARLEY_REFRESH_TOKEN_TTL', 30 * 24 * 3600, 60),
    logLevel: env.PARLEY_LOG_LEVEL ?? 'info',
    sqliteSynchronous: sync,
    groupCommitMax: int(env, 'PARLEY_GROUP_COMMIT_MAX', 512, 1),
    groupCommitLanes: int(env, 'PARLEY_GROUP_COMMIT_LANES', isPostgresUrl(env.PARLEY_DATABASE_URL ?? '') ? 4 : 1, 1),
    maxGroupMembers: int(env, 'PARLEY_MAX_GROUP_MEMBERS', 2000, 2),
    presenceGroupMax: int(env, 'PARLEY_PRESENCE_GROUP_MAX', 100),
    webDir: path.resolve(env.PARLEY_WEB_DIR ?? path.join(import.meta.dirname, '../../../apps/web/dist')),
    rateLimits: {
      login: rule(env, 'PARLEY_RATE_LOGIN', { limit: 10, windowMs: 15 * 60_000 }),
      register: rule(env, 'PARLEY_RATE_REGISTER', { limit: 20, windowMs: 60 * 60_000 }),
      send: rule(env, 'PARLEY_RATE_SEND', { limit: 100, windowMs: 10_000 }),
      typing: rule(env, 'PARLEY_RATE_TYPING', { limit: 30, windowMs: 10_000 }),
      request: rule(env, 'PARLEY_RATE_REQUEST', { limit: 600, windowMs: 60_000 }),
      export: rule(env, 'PARLEY_RATE_EXPORT', { limit: 3, windowMs: 60 * 60_000 }),
      erase: rule(env, 'PARLEY_RATE_ERASE', { limit: 5, windowMs: 60 * 60_000 }),
    },
    rateLimitMemoryKeys: int(env, 'PARLEY_RATE_MEMORY_KEYS', 100_000, 1000),
    redisTimeoutMs: int(env, 'PARLEY_REDIS_TIMEOUT_MS', 250, 10),
    dbTimeoutMs: int(env, 'PARLEY_DB_TIMEOUT_MS', 5000, 100),
    dbLockTimeoutMs: int(env, 'PARLEY_DB_LOCK_TIMEOUT_MS', 2000, 10),
    diskMinFreeBytes: int(env, 'PARLEY_DISK_MIN_FREE_BYTES', 64 * 1024 * 1024),
    busGraceMs: int(env, 'PARLEY_BUS_GRACE_MS', 10_000, 0),
    socketBufferMaxBytes: int(env, 'PARLEY_SOCKET_BUFFER_MAX', 4 * 1024 * 1024, 1024),
    recheckIntervalMs: int(env, 'PARLEY_RECHECK_INTERVAL', 10, 1) * 1000,
    nodeId: env.PARLEY_NODE_ID ?? `node-${process.pid}`,
    retentionDays: env.PARLEY_RETENTION_DAYS ? int(env, 'PARLEY_RETENTION_DAYS', 0, 1) : null,
    attachments: {
      uploadMaxBytes: int(env, 'PARLEY_UPLOAD_MAX_BYTES', 25 * 1024 * 1024, 1),
      userQuotaBytes: int(env, 'PARLEY_USER_QUOTA_BYTES', 1024 * 1024 * 1024, 1),
      orphanTtlSec: int(env, 'PARLEY_UPLOAD_ORPHAN_TTL', 24 * 3600, 1),
    },
    blobs: blobConfig(env),
    contentFilter: {
      words: (env.PARLEY_FILTER_WORDS ?? '').split(',').map((w) => w.trim()).filter(Boolean),
      maxLinks: int(env, 'PARLEY_FILTER_MAX_LINKS', 5),
      blockedDomains: (env.PARLEY_FILTER_BLOCKED_DOMAINS ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
      repeatMax: int(env, 'PARLEY_FILTER_REPEAT_MAX', 3, 1),
      repeatWindowSec: int(env, 'PARLEY_FILTER_REPEAT_WINDOW', 60, 1),
    },
    notifications: {
      groupMax: int(env, 'PARLEY_NOTIFY_GROUP_MAX', 50, 2),
      ...vapidPair(env),
      vapidSubject: env.PARLEY_VAPID_SUBJECT || 'mailto:admin@parley.invalid',
      pushAllowInsecure: env.PARLEY_PUSH_ALLOW_INSECURE === '1',
    },
    outbound: { allowPorts: ports(env, 'PARLEY_OUTBOUND_ALLOW_PORTS', [443]) },
  };
}
