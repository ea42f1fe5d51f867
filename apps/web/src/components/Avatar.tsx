import { useState } from 'react';
import { isAvatarPath } from '@parley/protocol';
import { initials } from '../state/format';

const PALETTE = ['#4f46e5', '#0891b2', '#059669', '#d97706', '#dc2626', '#7c3aed', '#db2777', '#2563eb'];

function colorOf(seed: string): string {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/** The picture Parley serves for the user when there is one and it loads, otherwise initials on a stable colour. */
export function Avatar({ name, url, seed, size = 40 }: { name: string; url?: string | null; seed: string; size?: number }) {
  const [failed, setFailed] = useState<string | null>(null);
  const usable = url && isAvatarPath(url) && failed !== url ? url : null;
  const box = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (usable) return <img className="avatar" src={usable} alt="" style={box} referrerPolicy="no-referrer" onError={() => setFailed(usable)} />;
  return (
    <span className="avatar avatar-initials" aria-hidden="true" style={{ ...box, background: colorOf(seed) }}>
      {initials(name)}
    </span>
  );
}
