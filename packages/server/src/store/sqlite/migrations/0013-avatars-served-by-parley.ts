/**
 * Avatars served by Parley (forward-only; never edit once committed).
 *
 * Avatars used to be any http(s) URL, fetched by every viewer's browser (a tracking
 * pixel). They are now images uploaded to Parley (avatarUrl '/api/avatars/...'); the
 * old external URLs are dropped, and those users show their initials until they upload.
 */
export const avatarsServedByParleySchema = `
UPDATE users SET avatar_url = NULL WHERE avatar_url IS NOT NULL AND avatar_url NOT LIKE '/api/avatars/%';
`;
