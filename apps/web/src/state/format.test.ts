import { describe, expect, it } from 'vitest';
import { initials } from './format';

describe('initials', () => {
  it('take the first letters of the first and last words, skipping punctuation', () => {
    expect(initials('Trip X (Lisbon)')).toBe('TL');
    expect(initials('Ann Example')).toBe('AE');
    expect(initials('ann')).toBe('AN');
    expect(initials('  (hello)  ')).toBe('HE');
    expect(initials('¡Olé!')).toBe('OL');
    expect(initials('...')).toBe('?');
    expect(initials('Zoë')).toBe('ZO');
  });
});
