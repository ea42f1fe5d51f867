/** Accounts and sessions: register, log in, refresh, log out; renewing a socket's token. */
import type { FrameData, HttpBindings, RouteInput, SocketCaller, WsBindings } from './kit';
import { http, perIp, perUser, publicOp, userOp, ws } from './kit';
import { loginAccount } from '../domain/auth/auth-service';

export const authOperations = {
  register: publicOp({ rate: perIp('register'), run: (s, _c, input: RouteInput<'register'>) => s.auth.register(input) }),
  // Guessing one account's password from many addresses, or many accounts' from one.
  login: publicOp({
    rate: { rule: 'login', per: 'account-and-ip', account: (input: RouteInput<'login'>) => loginAccount(input.username), ipTimes: 5 },
    run: (s, _c, input: RouteInput<'login'>) => s.auth.login(input),
  }),
  refresh: publicOp({ rate: perIp('request'), run: (s, _c, input: RouteInput<'refresh'>) => s.auth.refresh(input.refreshToken) }),
  logout: publicOp({ rate: perIp('request'), run: (s, _c, input: RouteInput<'logout'>) => s.auth.logout(input.refreshToken) }),
  logoutAll: userOp({ rate: perUser('request'), run: (s, c) => s.auth.logoutAll(c.userId) }),
  /** The socket shows a newer token of its user and lives until that token's expiry (docs/protocol.md, "Token expiry"). */
  renewSocketAccess: userOp({
    rate: perUser('request'),
    run: async (s, c: SocketCaller, input: FrameData<'auth'>) => {
      const auth = await s.auth.renewSocket(c.userId, input.token);
      return { expiresAt: c.connection.renewAccess(auth.expiresAt, { id: auth.sessionId, version: auth.user.sessionVersion }) };
    },
  }),
};

const ops = authOperations;

export const authRoutes: Pick<HttpBindings, 'register' | 'login' | 'refresh' | 'logout' | 'logoutAll'> = {
  register: http('register', ops.register),
  login: http('login', ops.login),
  refresh: http('refresh', ops.refresh),
  logout: http('logout', ops.logout),
  logoutAll: http('logoutAll', ops.logoutAll),
};

export const authFrames: Pick<WsBindings, 'auth'> = {
  auth: ws('auth', ops.renewSocketAccess, (data) => data, (r) => r),
};
