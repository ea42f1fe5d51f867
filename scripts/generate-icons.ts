/**
 * Renders the web app's icons (apps/web/public/icons/) from its favicon.svg: the
 * manifest's 192 and 512 px icons, a maskable 512 px one (full-bleed background, the
 * glyph inside the safe zone: platforms crop it to their own shape), and the 180 px
 * apple-touch-icon. The PNGs are committed; run this after changing the favicon:
 *
 *   npx tsx scripts/generate-icons.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const WEB = path.resolve(import.meta.dirname, '../apps/web/public');
const svg = readFileSync(path.join(WEB, 'favicon.svg'), 'utf8');
// Full bleed: the square without its rounded corners (the glyph already sits well inside the 80 % safe zone).
const fullBleed = svg.replace(/ rx="\d+"/, '');
if (fullBleed === svg) throw new Error('favicon.svg changed shape: update the full-bleed rule');

async function render(source: string, size: number, file: string): Promise<void> {
  await sharp(Buffer.from(source), { density: (72 * size) / 64 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(path.join(WEB, 'icons', file));
}

await render(svg, 192, 'icon-192.png');
await render(svg, 512, 'icon-512.png');
await render(fullBleed, 512, 'icon-maskable-512.png');
await render(fullBleed, 180, 'apple-touch-icon.png');
