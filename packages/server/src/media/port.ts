/**
 * The media port: what an upload's bytes are, for the attachments service. One adapter,
 * sharp-inspector.ts (file-type for the type, sharp for images). Guarantees: the type is
 * found from the bytes, never the name; inspectImage never throws for bad input (null:
 * too large or not decodable, the upload stays a plain file) and consumes the stream.
 */
import type { Readable } from 'node:stream';

export interface ImageFacts {
  width: number;
  height: number;
  /** A WebP preview that fits THUMBNAIL_MAX_PX on its longer side. */
  thumbnail: Buffer;
}

export interface MediaInspector {
  /** How many bytes of the head detectType needs at most. */
  readonly sniffBytes: number;
  /** The MIME type from the first bytes (magic numbers); application/octet-stream when unknown. */
  detectType(head: Buffer): Promise<string>;
  /** Pixel size and a thumbnail, or null when the image is too large or does not decode. */
  inspectImage(body: Readable): Promise<ImageFacts | null>;
  /** A square crop of the (first frame of the) image as WebP, sizePx on a side; null when it does not decode within the pixel limit. */
  squareWebp(bytes: Buffer, sizePx: number): Promise<Buffer | null>;
}

export const UNKNOWN_TYPE = 'application/octet-stream';
