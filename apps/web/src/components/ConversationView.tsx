import { useEffect } from 'react';
import { useChat, useStore } from '../state/app-context';
import { Composer } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { MessageList } from './MessageList';
import { MissingConversation } from './MissingConversation';
import { TypingIndicator } from './TypingIndicator';

/** One conversation: header, history, who is typing, and the composer. */
export function ConversationView({ id, focusMessageId }: { id: string; focusMessageId: string | null }) {
  const store = useStore();
  const conversation = useChat((s) => s.conversations[id]);
  const listState = useChat((s) => s.listState);

  useEffect(() => {
    store.setActive(id);
    return () => store.setActive(null);
  }, [store, id]);

  useEffect(() => {
    if (listState === 'loaded') void store.openConversation(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- again when the conversation appears, not on each of its changes
  }, [store, id, listState, conversation !== undefined]);

  if (!conversation) {
    return <MissingConversation loading={listState !== 'loaded'} />;
  }
  return (
    <section className="conversation" aria-label="Conversation">
      <ConversationHeader conversation={conversation} />
      <MessageList conversation={conversation} focusMessageId={focusMessageId} />
      <TypingIndicator conversation={conversation} />
      <Composer conversationId={id} />
    </section>
  );
}
