/**
 * PostgreSQL and Redis reachability for the workloads that need them: they are
 * skipped visibly when a service is down, unless PARLEY_REQUIRE_SERVICES=1.
 */
import net from 'node:net';
import { PG_ADMIN_URL, REDIS_URL } from './parley-target';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const postgresReachable = () => reachable(PG_ADMIN_URL, 5432);
export const redisReachable = () => reachable(REDIS_URL, 6379);

export const servicesRequired = () => process.env.PARLEY_REQUIRE_SERVICES === '1';

/** Returns a skip reason, or null when every needed service answers. Throws when services are required. */
export async function missingServices(needs: { postgres?: boolean; redis?: boolean }): Promise<string | null> {
  const missing: string[] = [];
  if (needs.postgres && !(await postgresReachable())) missing.push(`PostgreSQL (${new URL(PG_ADMIN_URL).host})`);
  if (needs.redis && !(await redisReachable())) missing.push(`Redis (${new URL(REDIS_URL).host})`);
  if (missing.length === 0) return null;
  const reason = `${missing.join(' and ')} unreachable`;
  if (servicesRequired()) throw new Error(`${reason} and PARLEY_REQUIRE_SERVICES=1`);
  return reason;
}
