import { Fragment, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { Conversation, Message, PublicUser, UserId } from '@parley/protocol';
import { useChat, useStore } from '../state/app-context';
import { clockTime, nameOf, sameDay } from '../state/format';
import { statusOf } from '../state/receipts';
import { noticeText, type Notice } from '../state/notices';
import { DaySeparator } from './DaySeparator';
import { MessageItem } from './MessageItem';
import { TimelineNotice } from './TimelineNotice';
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
  const formerMembers = useChat((s) => s.formerMembers);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const beforePrepend = useRef<{ height: number; top: number } | null>(null);
  const focused = useRef<string | null>(null);
  const messages = w?.messages;
  const notices = w?.notices;
  const timeline = useMemo(() => interleave(messages ?? [], notices ?? []), [messages, notices]);

  useEffect(() => {
    if (c.kind !== 'group' || !messages) return;
    const members = new Set(c.members.map((x) => x.user.id));
    for (const m of messages) if (!members.has(m.senderId)) store.askFormerMember(m.senderId);
    // A notice about someone gone whose joining is not in what I may read (I joined after them).
    for (const n of notices ?? []) {
      if (!n.actor && !members.has(n.actorId)) store.askFormerMember(n.actorId);
      if (n.userId && !n.user && !members.has(n.userId)) store.askFormerMember(n.userId);
    }
  }, [messages, notices, c.members, c.kind, store]);
  const people = useMemo(() => [...c.members, ...Object.values(formerMembers).map((user) => ({ user }))], [c.members, formerMembers]);

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
  }, [messages, notices, pending.length, focusMessageId]);

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
      {w && !w.loading && !w.hasOlder && (
        <p className="history-start">{c.me.visibleFromSeq > 1 ? 'You see this group’s messages from when you joined.' : 'This is the beginning of the conversation.'}</p>
      )}
      {(!w || w.loading) && <p className="list-note">Loading messages…</p>}
      <ol className="message-list" aria-label="Messages">
        {timeline.map((item, i) => {
          const prev = timeline[i - 1];
          const separator = (!prev || !sameDay(prev.at, item.at)) && <DaySeparator at={item.at} />;
          if (item.notice) {
            return (
              <Fragment key={`notice-${item.notice.seq}`}>
                {separator}
                <TimelineNotice text={noticeText(item.notice, me as UserId | undefined, people)} at={item.at} />
              </Fragment>
            );
          }
          const m = item.message;
          return (
            <Fragment key={m.id}>
              {separator}
              {/* A notice in between starts a new group (the sender's name shows again). */}
              <MessageItem {...itemProps(c, m, prev?.message, me as UserId | undefined, formerMembers)} highlighted={m.id === focusMessageId} />
            </Fragment>
          );
        })}
        {pending.length > 0 && (timeline.length === 0 || !sameDay(timeline[timeline.length - 1]!.at, Date.now())) && <DaySeparator at={Date.now()} />}
        {pending.map((o) => (
          <PendingMessage key={o.clientMessageId} item={o} />
        ))}
      </ol>
    </div>
  );
}

type TimelineItem = { at: number; message: Message; notice?: undefined } | { at: number; notice: Notice; message?: undefined };

/** Messages and notices in one list, by seq (both are ascending already). */
function interleave(messages: readonly Message[], notices: readonly Notice[]): TimelineItem[] {
  const out: TimelineItem[] = [];
  let j = 0;
  for (const m of messages) {
    while (j < notices.length && notices[j]!.seq < m.seq) out.push({ at: notices[j]!.at, notice: notices[j++]! });
    out.push({ at: m.createdAt, message: m });
  }
  while (j < notices.length) out.push({ at: notices[j]!.at, notice: notices[j++]! });
  return out;
}

/** Plain props for one message, so MessageItem can skip re-rendering when nothing it shows changed. */
function itemProps(c: Conversation, m: Message, prev: Message | undefined, me: UserId | undefined, formerMembers: Readonly<Record<string, PublicUser>>) {
  const mine = m.senderId === me;
  const grouped = !!prev && prev.senderId === m.senderId && sameDay(prev.createdAt, m.createdAt);
  const sender = nameOf(c.members.find((x) => x.user.id === m.senderId)?.user ?? formerMembers[m.senderId]);
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
