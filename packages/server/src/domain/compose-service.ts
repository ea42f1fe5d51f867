/**
 * Compose (seed 002): a message to a person by username. Finds the recipient, opens our
 * direct conversation (the same one every time) and sends into it, as one call: a text
 * message whose title is required.
 */
import type { ComposeBody, Conversation, Message, UserId } from '@parley/protocol';
import type { z } from 'zod';
import { AppError } from './errors';
import type { Deps } from './deps';
import type { ConversationsService } from './conversations-service';
import type { MessagesService } from './messages-service';

/** The compose body as parsed: the recipient, and the message as a send into the conversation takes it. */
export type ComposeInput = z.output<typeof ComposeBody>;

export class ComposeService {
  constructor(
    private readonly deps: Deps,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
  ) {}

  /** duplicate: a retry of the same clientMessageId, answered with the original message. */
  async compose(senderId: UserId, input: ComposeInput): Promise<{ message: Message; duplicate: boolean; conversation: Conversation }> {
    const { recipient: username, clientMessageId, title, body } = input;
    const recipient = await this.deps.store.getUserByUsername(username.toLowerCase());
    if (!recipient || recipient.id === senderId) throw new AppError('USER_NOT_FOUND', 'no such recipient');
    const { conversation } = await this.conversations.openDirect(senderId, recipient.id);
    const sent = await this.messages.send(senderId, { conversationId: conversation.id, clientMessageId, kind: 'text', content: { title: title.trim(), body } });
    // The view after the send: its last message and order are this one's.
    return { ...sent, conversation: await this.conversations.view(senderId, conversation.id) };
  }
}
