/**
 * Turns any failure into one sentence a person can act on. Branches on the protocol's
 * stable error codes (never on server message text), with per-form wording for codes
 * whose meaning depends on what was being done.
 */
import { LIMITS } from '@parley/protocol';
import { ParleyError } from '@parley/client';

export type ErrorContext = 'login' | 'register' | 'compose' | 'send' | 'group' | 'profile' | 'generic';

const FIELD_NAMES: Record<string, string> = {
  username: 'Username',
  password: 'Password',
  displayName: 'Display name',
  avatar: 'Picture',
  title: 'Title',
  body: 'Message',
  recipient: 'Recipient',
  memberIds: 'Members',
  userIds: 'Members',
  prefix: 'Search',
};

export function describeError(err: unknown, context: ErrorContext = 'generic'): string {
  if (!(err instanceof ParleyError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'USERNAME_TAKEN':
      return 'That username is already taken. Please choose another one.';
    case 'INVALID_CREDENTIALS':
      return 'Wrong username or password.';
    case 'ACCOUNT_SUSPENDED':
      return 'This account is suspended.';
    case 'INSECURE_TRANSPORT':
      return 'This server is not using HTTPS, so your password would travel unprotected. Open it with https:// or ask its operator to set up HTTPS.';
    case 'RATE_LIMITED': {
      const s = err.retryAfterMs !== undefined ? Math.max(1, Math.ceil(err.retryAfterMs / 1000)) : null;
      return s ? `Too many attempts. Please wait ${s} second${s === 1 ? '' : 's'} and try again.` : 'Too many attempts. Please wait a moment and try again.';
    }
    case 'USER_NOT_FOUND':
      return context === 'compose' ? 'No user with that username. Check the recipient and try again.' : 'That user does not exist.';
    case 'NOT_FOUND':
      return 'This conversation or message no longer exists, or you are not a member.';
    case 'FORBIDDEN':
      return 'You are not allowed to do that.';
    case 'BLOCKED':
      return 'You cannot message this person.';
    case 'CONTENT_REJECTED':
      return 'The message was rejected by the spam filter.';
    case 'CONFLICT':
      return context === 'group' ? 'That person is already a member.' : 'That conflicts with a recent change. Please try again.';
    case 'LIMIT_EXCEEDED':
      return context === 'group' ? 'The group is full.' : 'A size or count limit was reached.';
    case 'ATTACHMENT_INVALID':
      return 'A file could not be attached (it expired or was already sent). Attach it again.';
    case 'PAYLOAD_TOO_LARGE':
      return `That is too long (messages can have at most ${LIMITS.bodyMax} characters).`;
    case 'BAD_REQUEST': {
      const issue = err.issues?.[0];
      if (issue) {
        const field = FIELD_NAMES[issue.path.split('.').pop() ?? ''] ?? 'Input';
        return `${field}: ${issue.message}.`;
      }
      return 'The request was not valid. Please check the form.';
    }
    case 'UNAVAILABLE':
      return 'Cannot reach the server right now. Check your connection and try again.';
    case 'UNAUTHENTICATED':
    case 'INVALID_REFRESH_TOKEN':
      return 'Your session has ended. Please log in again.';
    case 'INTERNAL':
      return 'The server had a problem. Please try again.';
    default:
      return 'Something went wrong. Please try again.';
  }
}
