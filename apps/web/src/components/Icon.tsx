/** Inline SVG icons (no icon font, no network). Decorative: the button around one carries the label. */
const PATHS = {
  compose: 'M4 20h4L19 9l-4-4L4 16v4zm11-15 4 4',
  group: 'M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm0 2c-2.7 0-6 1.3-6 4v2h12v-2c0-2.7-3.3-4-6-4zm8 0c-.5 0-1 0-1.6.1 1 .8 1.6 1.8 1.6 3.9v2h6v-2c0-2.7-3.3-4-6-4z',
  people: 'M11 4a7 7 0 1 0 4.2 12.6l4.1 4.1 1.4-1.4-4.1-4.1A7 7 0 0 0 11 4zm0 2a5 5 0 1 1 0 10 5 5 0 0 1 0-10z',
  settings: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm8.6 5.5-.1-3 2-1.6-2-3.4-2.4.9-2.5-1.5L15.2 2h-4l-.4 2.5-2.5 1.4-2.4-1L4 8.4l2 1.6v3l-2 1.6 2 3.4 2.4-.9 2.5 1.5.4 2.4h4l.4-2.5 2.5-1.4 2.4 1 2-3.5z',
  back: 'M15 5l-7 7 7 7',
  send: 'M3 20l18-8L3 4v6l12 2-12 2z',
  more: 'M12 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm0 7a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm0 7a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z',
  info: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z',
  close: 'M6 6l12 12M18 6 6 18',
  clock: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 4v5l3 2',
  check: 'M4 12.5l4.5 4.5L19 6.5',
  doubleCheck: 'M1.5 12.5 6 17 16.5 6.5M9 15.5l1.5 1.5L21 6.5',
  archive: 'M3 4h18v4H3zM5 8v12h14V8M10 12h4',
  offline: 'M2 8.8a15 15 0 0 1 20 0M5 12.3a10 10 0 0 1 14 0M8.5 15.8a5 5 0 0 1 7 0M12 19.5h.01M3 3l18 18',
} as const;

export type IconName = keyof typeof PATHS;

const STROKED: ReadonlySet<IconName> = new Set(['compose', 'back', 'close', 'clock', 'check', 'doubleCheck', 'archive', 'offline']);

export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  const stroked = STROKED.has(name);
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false"
      fill={stroked ? 'none' : 'currentColor'} stroke={stroked ? 'currentColor' : 'none'} strokeWidth={stroked ? 2 : 0} strokeLinecap="round" strokeLinejoin="round">
      <path d={PATHS[name]} />
    </svg>
  );
}
