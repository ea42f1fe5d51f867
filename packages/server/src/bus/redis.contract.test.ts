import { describe } from 'vitest';
import { busContract } from './contract';
import { RedisBus } from './redis';
import { randomPrefix, redisTestEnv } from './redis-test-env';

const redis = await redisTestEnv();

// Pub/sub creates no keys; a random prefix per fixture keeps concurrent runs' channels apart.
const fixture = (sharded: boolean) => async () => {
  const prefix = randomPrefix();
  const nodes = [0, 1, 2].map(() => new RedisBus({ url: redis.url, prefix, sharded }));
  return {
    nodes,
    cleanup: async () => {
      await Promise.all(nodes.map((node) => node.close()));
    },
  };
};

describe.skipIf(!redis.available)(`RedisBus${redis.skipNote}`, () => {
  busContract('RedisBus with PUBLISH/SUBSCRIBE', fixture(false));
  busContract('RedisBus with SPUBLISH/SSUBSCRIBE', fixture(true));
});
