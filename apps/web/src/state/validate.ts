/**
 * Form checks done before a request leaves the browser, using the protocol's own
 * limits, so a person gets a specific message at once. The server checks again.
 * Each returns an error sentence (from the catalogue), or null when the value is fine.
 */
import { LIMITS } from '@parley/protocol';
import { i18n } from '../i18n/i18n';

const t = (key: string, values: Record<string, unknown> = {}) => i18n.t(key, values);

export function checkUsername(v: string): string | null {
  if (v.length < LIMITS.usernameMin) return t('validate.usernameShort', { min: LIMITS.usernameMin });
  if (v.length > LIMITS.usernameMax) return t('validate.usernameLong', { max: LIMITS.usernameMax });
  if (!/^[a-z0-9_.]+$/.test(v)) return t('validate.usernameChars');
  return null;
}

export function checkPassword(v: string): string | null {
  if (v.length < LIMITS.passwordMin) return t('validate.passwordShort', { min: LIMITS.passwordMin });
  if (v.length > LIMITS.passwordMax) return t('validate.passwordLong', { max: LIMITS.passwordMax });
  return null;
}

export function checkDisplayName(v: string): string | null {
  if (!v.trim()) return t('validate.displayNameEmpty');
  if (v.length > LIMITS.displayNameMax) return t('validate.displayNameLong', { max: LIMITS.displayNameMax });
  return null;
}

export function checkTitle(v: string, required: boolean): string | null {
  if (required && !v.trim()) return t('validate.titleEmpty');
  if (v.length > LIMITS.titleMax) return t('validate.titleLong', { max: LIMITS.titleMax });
  return null;
}

export function checkGroupTitle(v: string): string | null {
  if (!v.trim()) return t('validate.groupTitleEmpty');
  if (v.length > LIMITS.groupTitleMax) return t('validate.groupTitleLong', { max: LIMITS.groupTitleMax });
  return null;
}

export function checkBody(v: string): string | null {
  if (!v.trim()) return t('validate.bodyEmpty');
  if (v.length > LIMITS.bodyMax) return t('validate.bodyLong', { length: v.length, max: LIMITS.bodyMax });
  return null;
}
