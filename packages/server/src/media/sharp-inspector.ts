/**
 * What an upload really is: the type from its first bytes (magic numbers, via
 * file-type), never from the name or Content-Type; for safe raster images, the pixel
 * size and a thumbnail made by sharp (libvips). An image over the pixel limit, or one
 * that does not decode, is kept as a plain file without thumbnail (not refused): the
 * bytes are the user's, only the inline preview is withheld.
 */
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { UNKNOWN_TYPE, type ImageFacts, type MediaInspector } from './port';

/** Enough of the head for every signature file-type knows. */
export const SNIFF_BYTES = 4100;
/** Images with more pixels are not decoded (a small PNG can claim 100k x 100k). */
export const MAX_IMAGE_PIXELS = 40_000_000;
export const THUMBNAIL_MAX_PX = 320;

async function detectType(head: Buffer): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  return found?.mime ?? UNKNOWN_TYPE;
}

async function inspectImage(body: Readable): Promise<ImageFacts | null> {
  // Loaded on first use: sharp costs about a second at start-up on every node otherwise.
  const { default: sharp } = await import('sharp');
  const img = sharp({ limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated: false });
  body.on('error', (err) => img.destroy(err));
  body.pipe(img);
  try {
    const meta = await img.metadata();
    const size = meta.autoOrient ?? { width: meta.width, height: meta.height };
    if (!size.width || !size.height) return null;
    const thumbnail = await img
      .rotate()
      .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { width: size.width, height: size.height, thumbnail };
  } catch {
    body.destroy();
    return null;
  }
}

async function squareWebp(bytes: Buffer, sizePx: number): Promise<Buffer | null> {
  const { default: sharp } = await import('sharp');
  try {
    return await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated: false })
      .rotate()
      .resize(sizePx, sizePx, { fit: 'cover' })
      .webp({ quality: 80 })
      .toBuffer();
  } catch {
    return null;
  }
}

export const sharpInspector: MediaInspector = { sniffBytes: SNIFF_BYTES, detectType, inspectImage, squareWebp };
