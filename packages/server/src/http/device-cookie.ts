/**
 * The known-device token travels as an HttpOnly cookie scoped to /api/auth, so page
 * scripts never see it (domain/auth/device-token.ts says what it proves).
 */
import type { FastifyReply } from 'fastify';
import { DEVICE_COOKIE, DEVICE_TOKEN_TTL_SEC } from '../domain/auth/device-token';

/** The named cookie's value from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function readDeviceToken(cookieHeader: string | undefined): string | undefined {
  return readCookie(cookieHeader, DEVICE_COOKIE);
}

/** After a login or registration: this browser is a known device of the account from now on. */
export function setDeviceCookie(reply: FastifyReply, token: string): void {
  const secure = reply.request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${DEVICE_COOKIE}=${token}; Path=/api/auth; Max-Age=${DEVICE_TOKEN_TTL_SEC}; HttpOnly; SameSite=Strict${secure}`);
}
