/**
 * Turns any failure into one sentence a person can act on. Branches on the protocol's
 * stable error codes (never on server message text), with per-form wording for codes
 * whose meaning depends on what was being done. Sentences come from the catalogue.
 */
import { LIMITS } from '@parley/protocol';
import { ParleyError } from '@parley/client';
import { i18n } from '../i18n/i18n';

export type ErrorContext = 'login' | 'register' | 'compose' | 'send' | 'group' | 'profile' | 'erase' | 'generic';

const FIELDS = new Set(['username', 'password', 'displayName', 'avatar', 'title', 'body', 'recipient', 'memberIds', 'userIds', 'prefix']);

export function describeError(err: unknown, context: ErrorContext = 'generic'): string {
  const t = i18n.t.bind(i18n);
  if (!(err instanceof ParleyError)) return t('errors.unknown');
  switch (err.code) {
    case 'USERNAME_TAKEN':
      return t('errors.usernameTaken');
    case 'INVALID_CREDENTIALS':
      return context === 'erase' ? t('errors.wrongPassword') : t('errors.invalidCredentials');
    case 'ACCOUNT_SUSPENDED':
      return t('errors.suspended');
    case 'INSECURE_TRANSPORT':
      return t('errors.insecureTransport');
    case 'RATE_LIMITED': {
      const s = err.retryAfterMs !== undefined ? Math.max(1, Math.ceil(err.retryAfterMs / 1000)) : null;
      return s ? t('errors.rateLimitedFor', { count: s }) : t('errors.rateLimited');
    }
    case 'USER_NOT_FOUND':
      return context === 'compose' ? t('errors.noSuchRecipient') : t('errors.noSuchUser');
    case 'NOT_FOUND':
      return t('errors.notFound');
    case 'FORBIDDEN':
      return t('errors.forbidden');
    case 'BLOCKED':
      return t('errors.blocked');
    case 'CONTENT_REJECTED':
      return t('errors.contentRejected');
    case 'CONFLICT':
      return context === 'group' ? t('errors.alreadyMember') : t('errors.conflict');
    case 'LIMIT_EXCEEDED':
      return context === 'group' ? t('errors.groupFull') : t('errors.limit');
    case 'ATTACHMENT_INVALID':
      return t('errors.attachmentInvalid');
    case 'PAYLOAD_TOO_LARGE':
      return t('errors.tooLong', { max: LIMITS.bodyMax });
    case 'BAD_REQUEST': {
      const issue = err.issues?.[0];
      if (issue) {
        const key = issue.path.split('.').pop() ?? '';
        return t('errors.field', { field: t(FIELDS.has(key) ? `fields.${key}` : 'fields.input'), message: issue.message });
      }
      return t('errors.badRequest');
    }
    case 'UNAVAILABLE':
      return t('errors.unavailable');
    case 'UNAUTHENTICATED':
    case 'INVALID_REFRESH_TOKEN':
      return t('errors.sessionEnded');
    case 'INTERNAL':
      return t('errors.internal');
    default:
      return t('errors.unknown');
  }
}
