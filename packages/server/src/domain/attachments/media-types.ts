/**
 * How a detected type is shown: inline only for safe raster images; anything a browser
 * might execute or render as a document is downloaded as octet-stream.
 */
import { INLINE_IMAGE_TYPES } from '@parley/protocol';
import { UNKNOWN_TYPE } from '../../media/port';

// Types a browser might execute or render as a document if it were ever shown inline;
// downloads of these are sent as octet-stream whatever was detected.
const ACTIVE = /html|xml|svg|javascript|ecmascript|x-sh|pdf/i;

export function isInlineImage(contentType: string): boolean {
  return (INLINE_IMAGE_TYPES as readonly string[]).includes(contentType);
}

/** The Content-Type a download is served with. */
export function servedType(contentType: string, kind: 'image' | 'file'): string {
  if (kind === 'image') return contentType;
  return ACTIVE.test(contentType) ? UNKNOWN_TYPE : contentType;
}
