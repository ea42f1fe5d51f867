import { describe, expect, it } from 'vitest';
import { clockOptions, initials } from './format';

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

describe('clockOptions', () => {
  // Just after midnight is where an unpadded 24-hour clock reads wrong ("0:30").
  const halfPastMidnight = new Date(2026, 0, 1, 0, 30);
  const at = (locale: string, d: Date) => new Intl.DateTimeFormat(locale, clockOptions(locale)).format(d);

  it('pads the hour in 24-hour locales', () => {
    expect(at('en-GB', halfPastMidnight)).toBe('00:30');
    expect(at('de-DE', new Date(2026, 0, 1, 7, 5))).toBe('07:05');
  });

  it('never pads the hour in 12-hour locales', () => {
    expect(at('en-US', new Date(2026, 0, 1, 7, 5)).replace(/\s/g, ' ')).toBe('7:05 AM');
    expect(at('en-US', halfPastMidnight).replace(/\s/g, ' ')).toBe('12:30 AM');
  });
});
