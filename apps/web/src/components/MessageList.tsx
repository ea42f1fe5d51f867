import { Fragment, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { Conversation, Message, UserId } from '@parley/protocol';
import { useChat, useStore } from '../state/app-context';
import { clockTime, nameOf, sameDay } from '../state/format';
import { statusOf } from '../state/receipts';
import { DaySeparator } from './DaySeparator';
import { MessageItem } from './MessageItem';
import { PendingMessage } from './PendingMessage';

/** Pixels from an edge that count as "at" it. */
const EDGE = 80;

/**
 * The history: older pages load when scrolled to the top (keeping the view still),
 * the view follows new messages while it is at the bottom, and a message named in the
 * URL (from Received / Sent) is loaded, scrolled to and highlighted.
 */
export function MessageList({ conversation: c, focusMessageId }: { conversation: Conversation; focusMessageId: string | null }) {
  const store = useStore();
  const w = useChat((s) => s.windows[c.id]);
  const outbox = useChat((s) => s.outbox);
  const me = useChat((s) => s.me?.id);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const beforePrepend = useRef<{ height: number; top: number } | null>(null);
  const focused = useRef<string | null>(null);
  const messages = w?.messages;

  const pending = useMemo(() => {
    const acked = new Set(messages?.map((m) => m.clientMessageId));
    return outbox.filter((o) => o.conversationId === c.id && !acked.has(o.clientMessageId));
  }, [outbox, messages, c.id]);

  const loadOlder = () => {
    const el = scroller.current;
    if (!el || !w || !w.hasOlder || w.loadingOlder || w.loading) return;
    beforePrepend.current = { height: el.scrollHeight, top: el.scrollTop };
    void store.loadOlder(c.id);
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const saved = beforePrepend.current;
    if (saved && el.scrollHeight !== saved.height) {
      el.scrollTop = saved.top + (el.scrollHeight - saved.height);
      beforePrepend.current = null;
    } else if (atBottom.current && !(focusMessageId && focused.current !== focusMessageId)) {
      el.scrollTop = el.scrollHeight;
    }
  }, [messages, pending.length, focusMessageId]);

  useEffect(() => {
    const el = scroller.current;
    if (!el || !w || w.loading) return;
    // A short history does not scroll, so no scroll event would ever ask for more.
    if (el.scrollHeight <= el.clientHeight + EDGE && w.hasOlder && !w.loadingOlder) loadOlder();
  });

  useEffect(() => {
    if (!focusMessageId || focused.current === focusMessageId || !w || w.loading) return;
    const found = messages?.some((m) => m.id === focusMessageId);
    if (!found) {
      if (w.hasOlder && !w.loadingOlder) void store.loadOlder(c.id);
      else if (!w.hasOlder) focused.current = focusMessageId;
      return;
    }
    focused.current = focusMessageId;
    const node = document.getElementById(`message-${focusMessageId}`);
    node?.scrollIntoView({ block: 'center' });
    node?.focus({ preventScroll: true });
    atBottom.current = false;
  }, [focusMessageId, messages, w, store, c.id]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    if (el.scrollTop < EDGE) loadOlder();
  };

  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll}>
      {w?.loadingOlder && <p className="list-note">Loading earlier messages…</p>}
      {w && !w.loading && !w.hasOlder && <p className="history-start">This is the beginning of the conversation.</p>}
      {(!w || w.loading) && <p className="list-note">Loading messages…</p>}
      <ol className="message-list" aria-label="Messages">
        {messages?.map((m, i) => {
          const prev = messages[i - 1];
          return (
            <Fragment key={m.id}>
              {(!prev || !sameDay(prev.createdAt, m.createdAt)) && <DaySeparator at={m.createdAt} />}
              <MessageItem {...itemProps(c, m, prev, me as UserId | undefined)} highlighted={m.id === focusMessageId} />
            </Fragment>
          );
        })}
        {pending.length > 0 && (!messages?.length || !sameDay(messages[messages.length - 1]!.createdAt, Date.now())) && <DaySeparator at={Date.now()} />}
        {pending.map((o) => (
          <PendingMessage key={o.clientMessageId} item={o} />
        ))}
      </ol>
    </div>
  );
}

/** Plain props for one message, so MessageItem can skip re-rendering when nothing it shows changed. */
function itemProps(c: Conversation, m: Message, prev: Message | undefined, me: UserId | undefined) {
  const mine = m.senderId === me;
  const grouped = !!prev && prev.senderId === m.senderId && sameDay(prev.createdAt, m.createdAt);
  const sender = nameOf(c.members.find((x) => x.user.id === m.senderId)?.user);
  return {
    message: m,
    mine,
    senderName: !mine && c.kind === 'group' && !grouped ? sender : null,
    status: mine && me ? statusOf(c, m, me) : null,
    isGroup: c.kind === 'group',
    canDeleteForEveryone: mine || (c.kind === 'group' && c.me.role !== 'member'),
    groupedWithPrevious: grouped,
    accessibleName: `${mine ? 'You' : sender} at ${clockTime(m.createdAt)}`,
  };
}
