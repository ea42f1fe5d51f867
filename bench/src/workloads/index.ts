import type { Workload } from './context';
import { direct } from './direct';
import { directPg } from './direct-pg';
import { fanout } from './fanout';
import { history } from './history';
import { idle } from './idle';
import { scaleOut } from './scale-out';
import { storm } from './storm';

/** Every workload, in the order `all` runs them. */
export const WORKLOADS: Record<string, Workload> = {
  direct,
  fanout,
  history,
  storm,
  idle,
  'direct-pg': directPg,
  'scale-out': scaleOut,
};
