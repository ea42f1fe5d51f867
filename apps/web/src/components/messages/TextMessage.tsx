/** A text message: its optional title above, its body as rich text (links, formatting). */
import type { KindRenderer } from './renderers';
import { RichText } from '../RichText';

export const textRenderer: KindRenderer<'text'> = {
  title: (c) => c.title,
  Body: ({ content }) => <RichText text={content.body} />,
  plainText: (c) => c.body,
  editable: true,
};
