/**
 * File names from clients are display text only: never a path, never a type. These
 * make one safe to store and to send back in a Content-Disposition header.
 */
import { ATTACHMENT_LIMITS } from '@parley/protocol';

// C0 and C1 controls, DEL, bidi overrides/isolates (they can disguise an extension:
// "photo\u202Egnp.exe"), and characters reserved on common file systems.
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069<>:"|?*]/g;

/** The last path segment, cleaned and capped; "file" when nothing is left. */
export function sanitizeFileName(raw: string, max: number = ATTACHMENT_LIMITS.nameMax): string {
  const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = base.replace(UNSAFE, '_').replace(/\s+/g, ' ').trim().replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (name.length > max) {
    // Keep a short extension so the download still opens with the right program.
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = [...name.slice(0, dot > 0 && ext ? dot : name.length)].slice(0, max - ext.length).join('').trimEnd() + ext;
  }
  return name === '' ? 'file' : name;
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the exact UTF-8 name in filename*. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
