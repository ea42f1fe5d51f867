import { ERRORS, type ErrorBody, type ErrorCode } from '@parley/protocol';
import { StoreError } from '../store/port';

/** An error meant for the client: a catalogue code and a message safe to show. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Omit<ErrorBody, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/**
 * The one boundary where anything thrown becomes a client error. Known errors keep
 * their code; a store's NOT_MEMBER becomes NOT_FOUND (a non-member must not learn the
 * object exists); anything else is INTERNAL, and `log` receives the cause.
 */
export function toAppError(err: unknown, log: (err: unknown) => void): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'NOT_FOUND':
      case 'NOT_MEMBER':
        return new AppError('NOT_FOUND', 'not found');
      case 'FORBIDDEN':
        return new AppError('FORBIDDEN', err.message);
      case 'CONFLICT':
        return new AppError('CONFLICT', err.message);
      case 'LIMIT_EXCEEDED':
        return new AppError('LIMIT_EXCEEDED', err.message);
      case 'UNAVAILABLE':
        log(err);
        return new AppError('UNAVAILABLE', 'storage is unavailable, retry');
    }
  }
  log(err);
  return new AppError('INTERNAL', 'internal error');
}

export const notFound = (what = 'not found') => new AppError('NOT_FOUND', what);
