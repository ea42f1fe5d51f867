import { busContract } from './contract';
import { LocalBusHub } from './local';

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
