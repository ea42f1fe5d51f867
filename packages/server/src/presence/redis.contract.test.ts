import { describe } from 'vitest';
import { randomPrefix, redisTestEnv, deleteKeysWithPrefix } from '../bus/redis-test-env';
import { presenceContract } from './contract';
import { RedisPresence } from './redis';

const redis = await redisTestEnv();

describe.skipIf(!redis.available)(`RedisPresence${redis.skipNote}`, () => {
  presenceContract('RedisPresence (two nodes, one Redis)', async () => {
    const prefix = randomPrefix();
    const nodes = [new RedisPresence({ url: redis.url, prefix }), new RedisPresence({ url: redis.url, prefix })];
    return {
      nodes,
      cleanup: async () => {
        await Promise.all(nodes.map((node) => node.close()));
        await deleteKeysWithPrefix(redis.url, prefix);
      },
    };
  });
});
