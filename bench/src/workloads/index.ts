import type { Workload } from './context';
import { direct } from './direct';

/** Every workload, in the order `all` runs them. */
export const WORKLOADS: Record<string, Workload> = {
  direct,
};
