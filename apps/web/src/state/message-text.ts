/**
 * The one place the web app reads a message's text, so a change of the message model
 * (typed content) is made here alone.
 */
import type { Message } from '@parley/protocol';

export function messageTitle(m: Pick<Message, 'title'>): string | null {
  return m.title ?? null;
}

export function messageBody(m: Pick<Message, 'body'>): string {
  return m.body;
}
