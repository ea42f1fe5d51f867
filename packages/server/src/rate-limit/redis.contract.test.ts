import { describe } from 'vitest';
import { deleteKeysWithPrefix, randomPrefix, redisTestEnv } from '../bus/redis-test-env';
import { rateLimiterContract } from './contract';
import { RedisRateLimiter } from './redis';
import { FailOpenRateLimiter } from './fail-open';

const redis = await redisTestEnv();

describe.skipIf(!redis.available)(`RedisRateLimiter${redis.skipNote}`, () => {
  rateLimiterContract('RedisRateLimiter', async () => {
    const prefix = randomPrefix();
    const limiter = new RedisRateLimiter({ url: redis.url, prefix });
    return {
      limiter,
      cleanup: async () => {
        await limiter.close();
        await deleteKeysWithPrefix(redis.url, prefix);
      },
    };
  });
});

describe.skipIf(!redis.available)(`FailOpenRateLimiter over Redis${redis.skipNote}`, () => {
  rateLimiterContract('FailOpenRateLimiter(RedisRateLimiter)', async () => {
    const prefix = randomPrefix();
    const limiter = new FailOpenRateLimiter(new RedisRateLimiter({ url: redis.url, prefix, commandTimeoutMs: 2000 }), { deadlineMs: 2000 });
    // The first hits wait for the connection instead of counting locally.
    await new Promise<void>((resolve) => {
      const ready = () => ((limiter as unknown as { shared: RedisRateLimiter }).shared.available() ? resolve() : setTimeout(ready, 10));
      ready();
    });
    return {
      limiter,
      cleanup: async () => {
        await limiter.close();
        await deleteKeysWithPrefix(redis.url, prefix);
      },
    };
  });
});
