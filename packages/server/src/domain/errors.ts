import { ERRORS, type ErrorBody, type ErrorCode } from '@parley/protocol';
import { StoreError, type StoreErrorCode } from '../store/port';
import { REFUSALS, RuleError, type Refusal } from './rules/refusals';

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

/** What a client is told for a storage error: fixed per code, never the adapter's words. */
const STORE_ANSWERS: Readonly<Record<Exclude<StoreErrorCode, 'UNAVAILABLE'>, { code: ErrorCode; message: string }>> = {
  // A non-member must not learn the object exists: NOT_MEMBER reads as NOT_FOUND.
  NOT_FOUND: { code: 'NOT_FOUND', message: 'not found' },
  NOT_MEMBER: { code: 'NOT_FOUND', message: 'not found' },
  CONFLICT: { code: 'CONFLICT', message: 'the change conflicts with the current state' },
};

/** The client error for a rule's refusal: its catalogue code and its one text. */
export function refusalError(refusal: Refusal): AppError {
  const { code, message } = REFUSALS[refusal];
  return new AppError(code, message);
}

/**
 * The one boundary where anything thrown becomes a client error. Known errors keep
 * their code: a rule's refusal (RuleError) its code and text, whichever backend it came
 * from; a store error a fixed answer per code; anything else is INTERNAL, and `log`
 * receives the cause.
 */
export function toAppError(err: unknown, log: (err: unknown) => void): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof RuleError) return refusalError(err.refusal);
  if (err instanceof StoreError) {
    if (err.code === 'UNAVAILABLE') {
      log(err);
      return new AppError('UNAVAILABLE', 'storage is unavailable, retry');
    }
    const { code, message } = STORE_ANSWERS[err.code];
    return new AppError(code, message);
  }
  log(err);
  return new AppError('INTERNAL', 'internal error');
}

export const notFound = (what = 'not found') => new AppError('NOT_FOUND', what);
