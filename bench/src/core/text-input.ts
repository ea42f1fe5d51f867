/** A text message as the store's SendInput holds it (kind, content, search text, no relations): for seeding stores directly. */
import { searchTextOf, textMessage } from '@parley/protocol';

export function textInput(body: string) {
  const typed = textMessage(body);
  return { ...typed, searchText: searchTextOf(typed), replyTo: null, threadRootId: null, targetId: null };
}
