import { describe } from 'vitest';
import { deleteKeysWithPrefix, randomPrefix, redisTestEnv } from '../bus/redis-test-env';
import { rateLimiterContract } from './contract';
import { RedisRateLimiter } from './redis';

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
