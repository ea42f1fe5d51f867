/** My profile and settings; other people. */
import type { HttpBindings, HttpCaller, RouteInput } from './kit';
import { http, perUser, userOp } from './kit';

export const userOperations = {
  // The account authentication just read: no second read.
  me: userOp({ rate: perUser('request'), run: async (s, c: HttpCaller) => ({ user: s.auth.view(c.user) }) }),
  updateProfile: userOp({ rate: perUser('request'), run: async (s, c, input: RouteInput<'updateProfile'>) => ({ user: await s.users.updateProfile(c.userId, input) }) }),
  updatePrivacy: userOp({ rate: perUser('request'), run: async (s, c, input: RouteInput<'updatePrivacy'>) => ({ user: await s.users.updatePrivacy(c.userId, input) }) }),
  searchUsers: userOp({ rate: perUser('request'), run: (s, _c, input: RouteInput<'searchUsers'>) => s.users.search(input.prefix, input.limit, input.cursor) }),
  getUser: userOp({ rate: perUser('request'), run: (s, c, input: RouteInput<'getUser'>) => s.users.get(c.userId, input.userId) }),
};

const ops = userOperations;

export const userRoutes: Pick<HttpBindings, 'me' | 'updateProfile' | 'updatePrivacy' | 'searchUsers' | 'getUser'> = {
  me: http('me', ops.me),
  updateProfile: http('updateProfile', ops.updateProfile),
  updatePrivacy: http('updatePrivacy', ops.updatePrivacy),
  searchUsers: http('searchUsers', ops.searchUsers),
  getUser: http('getUser', ops.getUser),
};
