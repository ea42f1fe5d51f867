/**
 * Refuses any request whose parsed body, query or path parameters hold a string that is
 * not well-formed UTF-16 (a lone surrogate, which JSON's `\ud800` escape produces).
 * Such text cannot be stored as it was acknowledged (a database keeps U+FFFD instead),
 * so it is refused before any route runs, whatever the route's schema says.
 */
import { findIllFormedString } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors';

export function illFormedInput(where: string, value: unknown): AppError | null {
  const path = findIllFormedString(value);
  if (!path) return null;
  return new AppError('BAD_REQUEST', 'text must be well-formed UTF-16 (no lone surrogates)', {
    issues: [{ path: [where, ...path.map(String)].join('.'), message: 'must be well-formed text (no lone surrogates)' }],
  });
}

export function installWellFormedInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const bad = illFormedInput('params', req.params) ?? illFormedInput('query', req.query) ?? illFormedInput('body', req.body);
    if (bad) throw bad;
  });
}
