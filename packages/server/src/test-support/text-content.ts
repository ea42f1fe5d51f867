/**
 * Text messages in tests: the store inputs a send of kind 'text' makes, and a message's
 * title and body read back ('' / null for another kind or once deleted). Not a test file.
 */
import { searchTextOf, textMessage, textOf, type MessageKind } from '@parley/protocol';

/** What SendInput holds for a text message with no relations. */
export function textSend(body: string, title: string | null = null) {
  const typed = { kind: 'text' as const, content: { title, body } };
  return { ...typed, searchText: searchTextOf(typed), replyTo: null, threadRootId: null, targetId: null };
}

/** An edit to new text, as Store.editMessage takes it (without ids and time). */
export function textEdit(body: string, title: string | null = null) {
  const typed = { kind: 'text' as const, content: { title, body } };
  return { ...typed, searchText: searchTextOf(typed) };
}

export const bodyOf = (m: { kind: MessageKind; content: unknown }): string => textOf(m)?.body ?? '';
export const titleOf = (m: { kind: MessageKind; content: unknown }): string | null => textOf(m)?.title ?? null;

export { textMessage };

/** A text message deleted for everyone: the kind stays, the content is gone. */
export const DELETED_TEXT = { kind: 'text' as const, content: null };
