/**
 * @username mentions in a message. Usernames are lowercase [a-z0-9_.] (rest.ts), so a
 * mention is "@" not preceded by a name character, followed by such characters; a
 * trailing "." ends the sentence, not the name ("thanks @bob.").
 */
const MENTION = /(?:^|[^A-Za-z0-9_.@])@([A-Za-z0-9_.]{3,40})/g;

/** At most `max` distinct usernames, in order of first appearance. */
export function mentionedUsernames(text: string, max = 20): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(MENTION)) {
    const name = (m[1] ?? '').toLowerCase().replace(/\.+$/, '');
    if (name.length >= 3 && name.length <= 32) out.add(name);
    if (out.size >= max) break;
  }
  return [...out];
}
