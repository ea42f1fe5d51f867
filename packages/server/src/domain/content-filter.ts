/**
 * The content filter's static rules (words, links), compiled once from the config so
 * checking a message is a few regex scans, with no allocation per rule.
 *
 * - Words match whole words, case-insensitively, and also with letters repeated
 *   ("spaaam" for "spam") or separated by dots, dashes or underscores ("s.p.a.m"):
 *   each letter of a listed word becomes `x+`, joined by optional separators, between
 *   non-letters. (Not spaces: "it's pam" must not read as "spam".)
 * - Links: http(s):// URLs and bare www. hosts. More than maxLinks links is refused;
 *   a link whose host is a blocked domain or one of its subdomains is refused.
 *
 * The repeated-message rule needs state and lives in repeat-guard.ts.
 */
export interface ContentFilterConfig {
  words: readonly string[];
  maxLinks: number;
  blockedDomains: readonly string[];
}

export interface ContentVerdict {
  rule: 'word' | 'links' | 'domain';
  /** Safe to show the sender: names the rule, never echoes the matched text. */
  message: string;
}

// Hosts of http(s) URLs and of bare "www." links; the host ends at the first character
// that cannot be in a host name.
const LINK = /\b(?:https?:\/\/|www\.)([^\s/?#<>"'`)\]]*)/gi;

function escape(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function wordPattern(words: readonly string[]): RegExp | null {
  const alternatives = words
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w.length > 0)
    .map((w) => [...w].map((ch) => (/\s/.test(ch) ? '[\\s._-]+' : `${escape(ch)}+`)).join('[._-]*'));
  if (alternatives.length === 0) return null;
  // Lookarounds instead of \b so words that start or end with a non-word character still work.
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
}

export class ContentFilter {
  private readonly words: RegExp | null;
  private readonly blocked: readonly string[];

  constructor(private readonly config: ContentFilterConfig) {
    this.words = wordPattern(config.words);
    this.blocked = config.blockedDomains.map((d) => d.trim().toLowerCase().replace(/^\.+|\.+$/g, '')).filter((d) => d.length > 0);
  }

  /** null when the text passes every static rule. */
  check(text: string): ContentVerdict | null {
    if (this.words?.test(text)) return { rule: 'word', message: 'the message contains a word that is not allowed here' };
    const needLinks = this.blocked.length > 0 || Number.isFinite(this.config.maxLinks);
    if (!needLinks || (!text.includes('://') && !/www\./i.test(text))) return null;
    let links = 0;
    for (const m of text.matchAll(LINK)) {
      links++;
      if (links > this.config.maxLinks) return { rule: 'links', message: `the message has more than ${this.config.maxLinks} links` };
      const host = hostOf(m[0], m[1] ?? '');
      if (host && this.isBlocked(host)) return { rule: 'domain', message: 'the message links to a blocked domain' };
    }
    return null;
  }

  private isBlocked(host: string): boolean {
    for (const d of this.blocked) if (host === d || host.endsWith(`.${d}`)) return true;
    return false;
  }
}

function hostOf(link: string, rawHost: string): string {
  // Drop credentials and port; "www." links keep their www label as part of the host.
  const hostPart = link.toLowerCase().startsWith('www.') ? `www.${rawHost}` : rawHost;
  return hostPart.replace(/^.*@/, '').replace(/:\d*$/, '').replace(/\.+$/, '').toLowerCase();
}
