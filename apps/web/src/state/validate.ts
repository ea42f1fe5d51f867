/**
 * Form checks done before a request leaves the browser, using the protocol's own
 * limits, so a person gets a specific message at once. The server checks again.
 * Each returns an error sentence, or null when the value is fine.
 */
import { LIMITS } from '@parley/protocol';

export function checkUsername(v: string): string | null {
  if (v.length < LIMITS.usernameMin) return `Username must have at least ${LIMITS.usernameMin} characters.`;
  if (v.length > LIMITS.usernameMax) return `Username is too long (at most ${LIMITS.usernameMax} characters).`;
  if (!/^[a-z0-9_.]+$/.test(v)) return 'Username may contain only lowercase letters, digits, "_" and ".".';
  return null;
}

export function checkPassword(v: string): string | null {
  if (v.length < LIMITS.passwordMin) return `Password must have at least ${LIMITS.passwordMin} characters.`;
  if (v.length > LIMITS.passwordMax) return `Password is too long (at most ${LIMITS.passwordMax} characters).`;
  return null;
}

export function checkDisplayName(v: string): string | null {
  if (!v.trim()) return 'Display name must not be empty.';
  if (v.length > LIMITS.displayNameMax) return `Display name is too long (at most ${LIMITS.displayNameMax} characters).`;
  return null;
}

export function checkTitle(v: string, required: boolean): string | null {
  if (required && !v.trim()) return 'Title must not be empty.';
  if (v.length > LIMITS.titleMax) return `Title is too long (at most ${LIMITS.titleMax} characters).`;
  return null;
}

export function checkGroupTitle(v: string): string | null {
  if (!v.trim()) return 'Group name must not be empty.';
  if (v.length > LIMITS.groupTitleMax) return `Group name is too long (at most ${LIMITS.groupTitleMax} characters).`;
  return null;
}

export function checkBody(v: string): string | null {
  if (!v.trim()) return 'Message must not be empty.';
  if (v.length > LIMITS.bodyMax) return `Message is too long (${v.length} of at most ${LIMITS.bodyMax} characters).`;
  return null;
}

export function checkRecipient(v: string): string | null {
  if (!v.trim()) return 'Recipient must not be empty.';
  if (v.length > LIMITS.usernameMax) return 'Recipient is too long to be a username.';
  return null;
}
