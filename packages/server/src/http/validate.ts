import type { z } from 'zod';
import { AppError } from '../domain/errors';

/** Parses untrusted input with a protocol schema; failures become BAD_REQUEST listing the fields. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 10).map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  throw new AppError('BAD_REQUEST', `invalid ${where}`, { issues });
}
