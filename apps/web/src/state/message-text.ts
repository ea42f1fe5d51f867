/**
 * The one place the web app reads a message's words, through the renderer of its kind
 * (components/messages/renderers.tsx): '' and no title once deleted.
 */
import type { Message } from '@parley/protocol';
import { rendererOf } from '../components/messages/renderers';

export function messageTitle(m: Pick<Message, 'kind' | 'content'>): string | null {
  return m.content === null ? null : rendererOf(m).title(m.content);
}

export function messageBody(m: Pick<Message, 'kind' | 'content'>): string {
  return m.content === null ? '' : rendererOf(m).plainText(m.content);
}
