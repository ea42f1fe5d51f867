import { rateLimiterContract } from './contract';
import { MemoryRateLimiter } from './memory';

rateLimiterContract('MemoryRateLimiter', async () => {
  const limiter = new MemoryRateLimiter();
  return { limiter, cleanup: () => limiter.close() };
});
