import type { Presence } from '@parley/protocol';

/** Green when online; nothing when hidden or unknown (privacy: no hint at all). */
export function PresenceDot({ presence }: { presence: Presence | undefined }) {
  if (!presence || presence.status === 'hidden') return null;
  const online = presence.status === 'online';
  return <span className={`presence-dot ${online ? 'online' : 'offline'}`} role="img" aria-label={online ? 'Online' : 'Offline'} />;
}
