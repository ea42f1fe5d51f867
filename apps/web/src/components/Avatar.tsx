import { useState } from 'react';
import { isAvatarPath } from '@parley/protocol';
import { initials } from '../state/format';

/** Eight colours dark enough for white initials (at least 4.5:1 each), chosen by a stable hash. */
const PALETTE = 8;

function colorOf(seed: string): number {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % PALETTE;
}

/**
 * The picture Parley serves for the user when there is one and it loads, otherwise
 * initials on a stable colour. Decorative (the name is always written beside it); the
 * initials are drawn by CSS from data-initials, so they add no text to a link's name.
 */
export function Avatar({ name, url, seed, size = 40 }: { name: string; url?: string | null; seed: string; size?: number }) {
  const [failed, setFailed] = useState<string | null>(null);
  const usable = url && isAvatarPath(url) && failed !== url ? url : null;
  const box = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (usable) return <img className="avatar" src={usable} alt="" style={box} referrerPolicy="no-referrer" onError={() => setFailed(usable)} />;
  return <span className={`avatar avatar-initials avatar-c${colorOf(seed)}`} aria-hidden="true" style={box} data-initials={initials(name)} />;
}
