/**
 * Uploading one file with progress. The SDK mints a short-lived signed upload URL (it
 * handles the token and its refresh); XMLHttpRequest posts the raw bytes there, since
 * fetch cannot report upload progress. The server detects the type from the bytes.
 */
import type { ParleyClient } from '@parley/client';
import { ParleyError } from '@parley/client';
import type { Attachment } from '@parley/protocol';

export function uploadFile(client: ParleyClient, file: File, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<Attachment> {
  return client.request('createUploadUrl').then(
    ({ url }) =>
      new Promise<Attachment>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${url}&name=${encodeURIComponent(file.name)}`);
        xhr.responseType = 'json';
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onload = () => {
          const body = xhr.response as { attachment?: Attachment; code?: string; message?: string } | null;
          if (xhr.status === 201 && body?.attachment) resolve(body.attachment);
          else reject(new ParleyError((body?.code ?? 'INTERNAL') as never, body?.message ?? 'upload failed', { retryable: false }));
        };
        xhr.onerror = () => reject(new ParleyError('UNAVAILABLE', 'the upload was interrupted', { retryable: true }));
        signal.addEventListener('abort', () => xhr.abort());
        xhr.onabort = () => reject(new ParleyError('UNAVAILABLE', 'upload cancelled', { retryable: false }));
        xhr.send(file);
      }),
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
