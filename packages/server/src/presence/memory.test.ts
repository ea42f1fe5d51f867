import { presenceContract } from './contract';
import { MemoryPresence } from './memory';

// One object seen by every node: the only way the memory adapter is correct across nodes.
presenceContract('MemoryPresence', async () => {
  const registry = new MemoryPresence();
  return { nodes: [registry, registry], cleanup: () => registry.close() };
});
