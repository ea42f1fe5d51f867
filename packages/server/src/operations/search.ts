/** Search of my own history. */
import type { HttpBindings, RouteInput } from './kit';
import { http, perUser, userOp } from './kit';

export const searchOperations = {
  searchMessages: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'searchMessages'>) => s.search.search(c.userId, input) }),
};

export const searchRoutes: Pick<HttpBindings, 'searchMessages'> = {
  searchMessages: http('searchMessages', searchOperations.searchMessages),
};
