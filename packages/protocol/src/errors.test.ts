/**
 * The error catalogue and the close codes are a contract with every client: these
 * checks keep them well-formed (valid statuses, a retry flag that means something,
 * close codes in their declared ranges) and documented.
 */
import { existsSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ERRORS, ERROR_CODES, httpStatusOf, isRetryable, type ErrorCode } from './errors';
import { CLOSE, shouldReconnect } from './close-codes';
import { ErrorBodySchema } from './frames';
import { ROUTES, type RouteDef } from './routes';

const docsPath = new URL('../../../docs/errors.md', import.meta.url);

describe('error catalogue', () => {
  it.each(ERROR_CODES)('%s has a real 4xx/5xx HTTP status, a description and an area', (code) => {
    const e = ERRORS[code];
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(Number.isInteger(e.status)).toBe(true);
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(e.status).toBeLessThan(600);
    expect(STATUS_CODES[e.status]).toBeDefined();
    expect(httpStatusOf(code)).toBe(e.status);
    expect(e.description.trim().length).toBeGreaterThan(0);
    expect(['request', 'auth', 'object', 'limits', 'realtime']).toContain(e.area);
    expect(ErrorBodySchema.safeParse({ code, message: 'x' }).success).toBe(true);
  });

  it('retryable means "the same request can succeed later": only 429 and 5xx', () => {
    for (const code of ERROR_CODES) {
      const { status, retryable } = ERRORS[code];
      expect({ code, retryable: isRetryable(code) }).toEqual({ code, retryable });
      if (retryable) expect({ code, status: status === 429 || status >= 500 }).toEqual({ code, status: true });
      if (status === 429 || status >= 500) expect({ code, retryable }).toEqual({ code, retryable: true });
    }
    expect(isRetryable('NO_SUCH_CODE')).toBe(false);
  });

  it('rejects codes outside the catalogue on the wire', () => {
    expect(ErrorBodySchema.safeParse({ code: 'FST_ERR_BAD_URL', message: 'x' }).success).toBe(false);
  });

  it('every route documents only catalogue codes', () => {
    for (const [name, def] of Object.entries(ROUTES) as [string, RouteDef][]) {
      for (const code of def.errors) expect({ name, code, known: ERROR_CODES.includes(code as ErrorCode) }).toEqual({ name, code, known: true });
    }
  });

  it.skipIf(!existsSync(docsPath))('docs/errors.md lists every code with its status', () => {
    const doc = readFileSync(docsPath, 'utf8');
    for (const code of ERROR_CODES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect({ code, row: row !== undefined }).toEqual({ code, row: true });
      expect(row).toContain(`| ${ERRORS[code].status} |`);
    }
  });
});

describe('close codes', () => {
  const codes = Object.entries(CLOSE);

  it('are unique', () => {
    expect(new Set(codes.map(([, c]) => c)).size).toBe(codes.length);
  });

  it.each(codes)('%s (%i) sits in a declared range and says whether to reconnect', (name, code) => {
    const reconnect = code >= 4000 && code <= 4099;
    const stop = (code >= 4400 && code <= 4499) || code === 1008 || code === 1009;
    expect({ name, declared: reconnect !== stop }).toEqual({ name, declared: true });
    expect(shouldReconnect(code)).toBe(reconnect);
  });

  it('standard transport closes reconnect', () => {
    for (const code of [1000, 1001, 1006, 1011, 1012, 1013]) expect(shouldReconnect(code)).toBe(true);
  });
});
