import { describe, expect, it } from 'vitest';
import { busContract } from './contract';
import { LocalBus, LocalBusHub } from './local';

busContract('LocalBus (endpoints of one LocalBusHub)', async () => {
  const hub = new LocalBusHub();
  const nodes = [hub.endpoint(), hub.endpoint(), hub.endpoint()];
  return {
    nodes,
    cleanup: async () => {
      await Promise.all(nodes.map((node) => node.close()));
    },
  };
});

describe('LocalBus.alone', () => {
  it('is alone as the only endpoint, not with a second one, and alone again once that one closes', async () => {
    expect(new LocalBus().alone()).toBe(true);
    const hub = new LocalBusHub();
    const first = hub.endpoint();
    expect(first.alone()).toBe(true);
    const second = hub.endpoint();
    expect([first.alone(), second.alone()]).toEqual([false, false]);
    await second.close();
    expect(first.alone()).toBe(true);
    await first.close();
  });
});
