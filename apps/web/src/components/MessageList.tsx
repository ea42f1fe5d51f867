import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, Message, PublicUser, UserId } from '@parley/protocol';
import { i18n } from '../i18n/i18n';
import { useChat, useServices, useUiState } from '../state/app-context';
import { clockTime, nameOf, sameDay } from '../state/format';
import { noticeText, type Notice } from '../state/notices';
import { statusOf } from '../state/receipts';
import { DaySeparator } from './DaySeparator';
import { FailedMessage } from './FailedMessage';
import { Icon } from './Icon';
import { MessageItem } from './MessageItem';
import { PendingMessage } from './PendingMessage';
import { TimelineNotice } from './TimelineNotice';

/** Pixels from an edge that count as "at" it. */
const EDGE = 80;

/**
 * The history. Older pages load when scrolled to the top (keeping the view still). The
 * view follows new messages while it is at the bottom, and always after I send one; when
 * scrolled up, others' new messages are counted on a "new messages" button instead. A
 * size change (an image loading) keeps a view that was at the bottom there. A message
 * named in the URL (from Received, the bell, search) is loaded, scrolled to and highlighted.
 */
export function MessageList({ conversation: c, focusMessageId }: { conversation: Conversation; focusMessageId: string | null }) {
  const { t } = useTranslation();
  const { store, ui } = useServices();
  const w = useChat((s) => s.windows[c.id]);
  const outbox = useChat((s) => s.outbox);
  const failed = useChat((s) => s.failed[c.id]);
  const readOnly = useChat((s) => !!s.departed[c.id]);
  const me = useChat((s) => s.me?.id);
  const formerMembers = useChat((s) => s.formerMembers);
  const editingId = useUiState((s) => s.editing[c.id] ?? null);
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const beforePrepend = useRef<{ height: number; top: number } | null>(null);
  const focused = useRef<string | null>(null);
  const lastKey = useRef<string | null>(null);
  const messages = w?.messages;
  const notices = w?.notices;
  const timeline = useMemo(() => interleave(messages ?? [], notices ?? []), [messages, notices]);
  const onEditingChange = useCallback((id: string | null) => ui.setEditing(c.id, id), [ui, c.id]);

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

  const toBottom = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setShowJump(false);
    setUnseen(0);
  };

  const loadOlder = () => {
    const el = scroller.current;
    if (!el || !w || !w.hasOlder || w.loadingOlder || w.loading) return;
    beforePrepend.current = { height: el.scrollHeight, top: el.scrollTop };
    void store.loadOlder(c.id);
  };

  // What is newest now: my own send (pending, failed or stored) brings the view down at once.
  const last = pending[pending.length - 1] ?? null;
  const lastFailed = failed?.[failed.length - 1] ?? null;
  const newest = messages?.[messages.length - 1];
  const key = last ? `p:${last.clientMessageId}` : lastFailed ? `f:${lastFailed.clientMessageId}` : newest ? `m:${newest.id}` : null;
  const newestIsMine = !!last || !!lastFailed || newest?.senderId === me;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const saved = beforePrepend.current;
    const changed = key !== lastKey.current;
    const first = lastKey.current === null;
    lastKey.current = key;
    if (saved && el.scrollHeight !== saved.height) {
      el.scrollTop = saved.top + (el.scrollHeight - saved.height);
      beforePrepend.current = null;
    } else if (focusMessageId && focused.current !== focusMessageId) {
      // Scrolled to the named message below, once it is loaded.
    } else if (atBottom.current || (changed && newestIsMine && !first)) {
      toBottom();
    } else if (changed && !first) {
      setUnseen((n) => n + 1);
      setShowJump(true);
    }
  }, [key, messages, notices, pending.length, failed?.length, focusMessageId, newestIsMine]);

  // Images and edits change heights after the render: a view at the bottom stays there.
  useEffect(() => {
    const el = list.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (atBottom.current && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

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
    setShowJump(true);
  }, [focusMessageId, messages, w, store, c.id]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    if (atBottom.current) {
      if (showJump) setShowJump(false);
      if (unseen) setUnseen(0);
    } else if (!showJump && el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight) setShowJump(true);
    if (el.scrollTop < EDGE) loadOlder();
  };

  // Read status is said once, under my newest message, not on every bubble.
  const myLast = messages ? [...messages].reverse().find((m) => m.senderId === me && m.deletedAt === null) : undefined;
  return (
    <div className="message-area">
      <div className="message-scroller" ref={scroller} onScroll={onScroll}>
        {w?.loadingOlder && <p className="list-note">{t('messages.loadingOlder')}</p>}
        {w && !w.loading && !w.hasOlder && <p className="history-start">{c.me.visibleFromSeq > 1 ? t('messages.startFromJoin') : t('messages.start')}</p>}
        {(!w || w.loading) && !readOnly && <p className="list-note">{t('messages.loading')}</p>}
        <ol className="message-list" aria-label={t('messages.label')} ref={list}>
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
                <MessageItem {...itemProps(c, m, prev?.message, me as UserId | undefined, formerMembers)} showReadBy={c.kind === 'group' && m === myLast}
                  readOnly={readOnly} highlighted={m.id === focusMessageId} editing={editingId === m.id} onEditingChange={onEditingChange} />
              </Fragment>
            );
          })}
          {pending.length > 0 && (timeline.length === 0 || !sameDay(timeline[timeline.length - 1]!.at, Date.now())) && <DaySeparator at={Date.now()} />}
          {pending.map((o) => (
            <PendingMessage key={o.clientMessageId} item={o} />
          ))}
          {failed?.map((f) => (
            <FailedMessage key={f.clientMessageId} item={f} />
          ))}
        </ol>
      </div>
      {showJump && (
        <button type="button" className="jump-button" onClick={toBottom}>
          <Icon name="arrowDown" size={16} />
          {unseen > 0 ? t('messages.newMessages', { count: unseen }) : t('messages.jumpToLatest')}
        </button>
      )}
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
  const grouped = !!prev && prev.senderId === m.senderId && sameDay(prev.createdAt, m.createdAt) && m.createdAt - prev.createdAt < 5 * 60_000;
  const sender = nameOf(c.members.find((x) => x.user.id === m.senderId)?.user ?? formerMembers[m.senderId]);
  return {
    message: m,
    mine,
    senderName: !mine && c.kind === 'group' && !grouped ? sender : null,
    status: mine && me ? statusOf(c, m, me) : null,
    canDeleteForEveryone: mine || (c.kind === 'group' && c.me.role !== 'member'),
    groupedWithPrevious: grouped,
    accessibleName: i18n.t(mine ? 'message.nameMine' : 'message.nameTheirs', { name: sender, time: clockTime(m.createdAt) }),
  };
}
