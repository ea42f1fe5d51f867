import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentDisposition, sanitizeFileName } from './file-name';

describe('sanitizeFileName', () => {
  it('keeps only the last path segment', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\windows\\win.ini')).toBe('win.ini');
    expect(sanitizeFileName('/')).toBe('file');
    expect(sanitizeFileName('..')).toBe('file');
  });
  it('drops control and bidi characters and leading dots', () => {
    expect(sanitizeFileName('a\u0000b\r\nc.txt')).toBe('a_b__c.txt');
    expect(sanitizeFileName('photo\u202Egnp.exe')).toBe('photo_gnp.exe');
    expect(sanitizeFileName('.htaccess')).toBe('htaccess');
  });
  it('caps the length and keeps a short extension', () => {
    const name = sanitizeFileName(`${'a'.repeat(500)}.jpeg`);
    expect(name.length).toBe(180);
    expect(name.endsWith('.jpeg')).toBe(true);
  });
  it('never yields a separator, a control character, a leading dot or too long a name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 250 }), (raw) => {
        const s = sanitizeFileName(raw);
        expect(s).not.toMatch(/[/\\\u0000-\u001F\u007F]/);
        expect(s.startsWith('.')).toBe(false);
        expect(s.length).toBeGreaterThan(0);
        expect([...s].length).toBeLessThanOrEqual(180);
      }),
      { numRuns: 100 },
    );
  });
});

describe('contentDisposition', () => {
  it('encodes a UTF-8 name per RFC 6266 with an ASCII fallback', () => {
    expect(contentDisposition('attachment', 'résumé "final".pdf')).toBe(`attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`);
  });
  it('cannot be broken out of by the name', () => {
    const h = contentDisposition('inline', 'a";\r\nX-Evil: 1');
    expect(h).not.toMatch(/[\r\n]/);
    expect(h.split('"').length).toBe(3);
  });
});
