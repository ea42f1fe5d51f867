import { describe, expect, it } from 'vitest';
import { EditBody, SendBody } from './rest';
import { ENCRYPTED_LIMITS, isClientSendable, MESSAGE_KIND_NAMES, previewOf, readableFields, searchTextOf, textMessage, textOf } from './message-kinds';

const encrypted = { kind: 'encrypted' as const, content: { algorithm: 'mls-1', ciphertext: 'c2VjcmV0' } };
const notice = { kind: 'system' as const, content: { notice: 'welcome', text: 'Welcome, @ann' } };

describe('message kinds', () => {
  it('reads text, notices and nothing of an encrypted message', () => {
    expect(searchTextOf(textMessage('body', 'Title'))).toBe('body\nTitle');
    expect(searchTextOf(textMessage('body'))).toBe('body');
    expect(searchTextOf(notice)).toBe('Welcome, @ann');
    expect(searchTextOf(encrypted)).toBeNull();
    expect(readableFields(encrypted)).toEqual([]);
    expect(searchTextOf({ kind: 'text', content: null })).toBeNull();
  });

  it('previews each kind in one line, and a deleted message as nothing', () => {
    expect(previewOf(textMessage('hello', 'Subject'))).toBe('hello');
    expect(previewOf(notice)).toBe('Welcome, @ann');
    expect(previewOf(encrypted)).toBe('Encrypted message');
    expect(previewOf({ kind: 'encrypted', content: null })).toBe('');
  });

  it('lets clients send every kind but system', () => {
    expect(MESSAGE_KIND_NAMES.filter(isClientSendable)).toEqual(['text', 'encrypted']);
  });

  it('validates content by kind: normalised titles, base64 ciphertext under its cap, no unknown kind', () => {
    expect(SendBody.parse({ clientMessageId: 'c', kind: 'text', content: { body: 'hi', title: '  ' } }).content).toEqual({ title: null, body: 'hi' });
    expect(SendBody.parse({ clientMessageId: 'c', ...encrypted }).content).toEqual(encrypted.content);
    for (const bad of [
      { kind: 'encrypted', content: { algorithm: 'mls-1', ciphertext: 'not base64!' } },
      { kind: 'encrypted', content: { algorithm: 'mls-1', ciphertext: 'A'.repeat(ENCRYPTED_LIMITS.ciphertextMax + 4) } },
      { kind: 'encrypted', content: { body: 'hi' } },
      { kind: 'text', content: encrypted.content },
      { kind: 'poll', content: {} },
      { kind: 'text', content: { body: 'hi' }, replyTo: '../x' },
    ]) {
      expect(SendBody.safeParse({ clientMessageId: 'c', ...bad }).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
    expect(EditBody.safeParse({ kind: 'text', content: { body: '' } }).success).toBe(false);
  });

  it('reads a message as text only when it is text', () => {
    expect(textOf(textMessage('x'))).toEqual({ title: null, body: 'x' });
    expect(textOf(encrypted)).toBeNull();
    expect(textOf({ kind: 'text', content: null })).toBeNull();
  });
});
