import { describe, expect, it } from 'vitest';
import { mentionedUsernames } from './mentions';

describe('mentionedUsernames', () => {
  it('finds @names at word starts, lowercased, once each, a sentence-ending dot excluded', () => {
    expect(mentionedUsernames('hi @bob and @Carol_1, see @bob.')).toEqual(['bob', 'carol_1']);
    expect(mentionedUsernames('@ann.lee: thanks @dave...')).toEqual(['ann.lee', 'dave']);
    expect(mentionedUsernames('(@eve) [@frank]\n@gina')).toEqual(['eve', 'frank', 'gina']);
  });

  it('ignores e-mail addresses, double @, too short or too long names', () => {
    expect(mentionedUsernames('mail bob@example.com or @@bob or @ab')).toEqual([]);
    expect(mentionedUsernames(`@${'x'.repeat(33)}`)).toEqual([]);
  });

  it('stops at the limit', () => {
    const text = Array.from({ length: 30 }, (_, i) => `@user${i}`).join(' ');
    expect(mentionedUsernames(text, 5)).toEqual(['user0', 'user1', 'user2', 'user3', 'user4']);
  });
});
