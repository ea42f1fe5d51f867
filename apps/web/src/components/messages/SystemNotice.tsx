/** A notice the server wrote into the conversation: its text, as plain text. */
import type { KindRenderer } from './renderers';

export const systemRenderer: KindRenderer<'system'> = {
  title: () => null,
  Body: ({ content }) => <span className="system-notice">{content.text}</span>,
  plainText: (c) => c.text,
  editable: false,
};
