/** Parley's mark: two overlapping speech bubbles, as SVG (no font or emoji needed). */
export function BrandMark({ size = 38 }: { size?: number }) {
  return (
    <svg className="brand-mark" width={size} height={size} viewBox="0 0 40 40" aria-hidden="true" focusable="false">
      <rect width="40" height="40" rx="11" className="brand-mark-bg" />
      <path d="M10 12h14a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-7l-5 4v-4h-2a4 4 0 0 1-4-4v-6a4 4 0 0 1 4-4z" fill="#fff" />
      <path d="M29 16h1a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-1v3l-4-3h-3" fill="none" stroke="#fff" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" opacity="0.8" />
    </svg>
  );
}
