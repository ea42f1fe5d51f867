/**
 * Helpers for attachment tests: images made in the test (sharp), a raw-socket upload
 * for the cases fetch cannot express (headers without a body, a chunked body), and a
 * listing of what is on disk under the blob directory.
 */
import http from 'node:http';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

export async function pngImage(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
}

/** A valid tiny PNG whose header claims width x height pixels (a decompression bomb's shape). */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await pngImage(1, 1));
  // IHDR: length(4) "IHDR"(4) width(4) height(4) ... crc over type+data (17 bytes) at 29.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

function collect(res: http.IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text && (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text });
    });
  });
}

/**
 * Sends only the headers of an upload declaring `declaredLength` bytes and waits for the
 * answer without sending any of the body: proves the server refuses before reading.
 */
export function headersOnlyUpload(baseUrl: string, pathAndQuery: string, token: string, declaredLength: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(baseUrl + pathAndQuery, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': String(declaredLength) },
    });
    req.on('response', (res) => {
      collect(res)
        .then(resolve, reject)
        .finally(() => req.destroy());
    });
    req.on('error', (err) => (/ECONNRESET|socket hang up/.test(String(err)) ? undefined : reject(err)));
    req.flushHeaders();
  });
}

/** A chunked upload (no Content-Length) of `chunks`, written one by one. */
export function chunkedUpload(baseUrl: string, pathAndQuery: string, token: string, chunks: Buffer[]): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(baseUrl + pathAndQuery, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      collect(res).then(resolve, reject);
    });
    req.on('error', (err) => {
      if (!answered && !/ECONNRESET|EPIPE|socket hang up/.test(String(err))) reject(err);
    });
    (async () => {
      for (const c of chunks) {
        if (answered || req.destroyed) return;
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(() => {});
  });
}

/** Every file under dir, relative, recursively ([] when dir does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
  } catch {
    return [];
  }
}
