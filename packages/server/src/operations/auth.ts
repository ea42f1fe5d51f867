/** Accounts and sessions: register, log in, refresh, log out; renewing a socket's token. */
import type { SessionResponse } from '@parley/protocol';
import type { FrameData, HttpBindings, HttpResponse, RouteInput, SocketCaller, WsBindings } from './kit';
import { http, perIp, perUser, publicOp, userOp, ws } from './kit';
import type { Services } from '../domain/services';
import { setDeviceCookie } from '../http/device-cookie';

/** A new session, and the token that makes this device a known one of the account (login-guard.ts). */
interface SessionOnDevice {
  session: SessionResponse;
  deviceToken: string;
}

const onDevice = (s: Services, session: SessionResponse): SessionOnDevice => ({ session, deviceToken: s.auth.deviceToken(session.user.id) });

export const authOperations = {
  register: publicOp({ rate: perIp('register'), run: async (s, _c, input: RouteInput<'register'>) => onDevice(s, await s.auth.register(input)) }),
  login: publicOp({
    // Guessing one account's password from many addresses, or many accounts' from one,
    // without a lockout an attacker controls: per address and account, per address, and
    // per account only for devices the account never logged in from.
    rate: { rule: null, why: 'domain/auth/login-guard.ts limits logins: it needs the device token and the outcome' },
    run: async (s, c, input: RouteInput<'login'>) => onDevice(s, await s.auth.login(input, c.ip, c.deviceToken)),
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

/** The browser that registered or logged in becomes a known device of the account: an HttpOnly cookie. */
const rememberDevice = ({ session, deviceToken }: SessionOnDevice, res: HttpResponse) => {
  setDeviceCookie(res.fastify, deviceToken);
  return session;
};

export const authRoutes: Pick<HttpBindings, 'register' | 'login' | 'refresh' | 'logout' | 'logoutAll'> = {
  register: http('register', ops.register, { reply: rememberDevice }),
  login: http('login', ops.login, { reply: rememberDevice }),
  refresh: http('refresh', ops.refresh),
  logout: http('logout', ops.logout),
  logoutAll: http('logoutAll', ops.logoutAll),
};

export const authFrames: Pick<WsBindings, 'auth'> = {
  auth: ws('auth', ops.renewSocketAccess, (data) => data, (r) => r),
};
