/**
 * How the web app shows each kind of message (packages/protocol/src/message-kinds.ts):
 * one renderer per kind, and a kind without one does not compile. MessageItem asks the
 * renderer for the title line and the body; copy, screen-reader announcements, list
 * previews and report quotes read plainText.
 */
import type { ReactNode } from 'react';
import type { ContentOf, Message, MessageKind } from '@parley/protocol';
import { encryptedRenderer } from './EncryptedMessage';
import { systemRenderer } from './SystemNotice';
import { textRenderer } from './TextMessage';

export interface KindRenderer<K extends MessageKind> {
  /** The line above the body (a text message's title), or null. */
  title(content: ContentOf<K>): string | null;
  /** The body as shown in the timeline. */
  Body(props: { content: ContentOf<K> }): ReactNode;
  /** The words a person reads: copied, announced, previewed. */
  plainText(content: ContentOf<K>): string;
  /** Whether its author may edit it in this app (the editor edits text). */
  editable: boolean;
}

const RENDERERS: { [K in MessageKind]: KindRenderer<K> } = {
  text: textRenderer,
  system: systemRenderer,
  encrypted: encryptedRenderer,
};

/** The renderer of a message's kind, typed for its content (a live message: content not null). */
export function rendererOf(m: Pick<Message, 'kind'>): KindRenderer<MessageKind> {
  return RENDERERS[m.kind] as unknown as KindRenderer<MessageKind>;
}
