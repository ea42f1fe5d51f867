/**
 * The bell's state: my notifications (newest first, paged), the unread count, kept live
 * from the SDK's `notification` events; and what this tab shows, reported to the server
 * with focus() (the open conversation while the page is visible, else null) so it does
 * not notify me of what I am looking at.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationId, Notification, NotificationPush } from '@parley/protocol';
import type { ParleyClient } from '@parley/client';
import { useChat } from '../../state/app-context';
import { describeError } from '../../state/errors';

const PAGE = 20;

function applyRead(items: Notification[], p: NotificationPush, at: number): Notification[] {
  const ids = new Set(p.readIds ?? []);
  const all = p.allRead;
  return items.map((n) =>
    n.readAt === null && (ids.has(n.id) || (all && (all.conversationId === null || all.conversationId === n.conversationId))) ? { ...n, readAt: at } : n,
  );
}

export function useNotifications(client: ParleyClient, focusedId: string | null) {
  const status = useChat((s) => s.status);
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const focused = useRef(focusedId);
  focused.current = focusedId;

  const markRead = useCallback(
    async (n: Notification) => {
      if (n.readAt !== null) return;
      try {
        const r = await client.request('markNotificationRead', { params: { notificationId: n.id } });
        setUnread(r.unreadCount);
        setItems((prev) => applyRead(prev, { type: 'notification', readIds: [n.id], unreadCount: r.unreadCount }, Date.now()));
      } catch (err) {
        setError(describeError(err));
      }
    },
    [client],
  );

  // (Re)load when online: pushes sent while this tab was offline are not replayed.
  useEffect(() => {
    if (status !== 'online') return;
    let live = true;
    client.request('listNotifications', { query: { limit: PAGE } }).then(
      (r) => {
        if (!live) return;
        setItems(r.notifications);
        setUnread(r.unreadCount);
        setCursor(r.nextCursor);
        setError(null);
      },
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [client, status]);

  useEffect(
    () =>
      client.on('notification', (p) => {
        setUnread(p.unreadCount);
        const n = p.notification;
        if (n) {
          setItems((prev) => [n, ...prev.filter((x) => x.id !== n.id)]);
          // Decided before this tab's focus reached the server: it is seen.
          if (n.conversationId === focused.current && document.visibilityState === 'visible') void markRead(n);
        }
        if (p.readIds || p.allRead) setItems((prev) => applyRead(prev, p, Date.now()));
      }),
    [client, markRead],
  );

  useEffect(() => {
    const report = () => {
      const id = document.visibilityState === 'visible' ? focusedId : null;
      client.focus(id as ConversationId | null).catch(() => {});
    };
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [client, focusedId]);

  const markAll = useCallback(async () => {
    try {
      const r = await client.request('markAllNotificationsRead', { body: {} });
      setUnread(r.unreadCount);
      setItems((prev) => applyRead(prev, { type: 'notification', allRead: { conversationId: null }, unreadCount: 0 }, Date.now()));
    } catch (err) {
      setError(describeError(err));
    }
  }, [client]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    try {
      const r = await client.request('listNotifications', { query: { limit: PAGE, cursor } });
      setItems((prev) => [...prev, ...r.notifications.filter((n) => !prev.some((p) => p.id === n.id))]);
      setCursor(r.nextCursor);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client, cursor]);

  return { items, unread, hasMore: cursor !== null, error, markRead, markAll, loadMore };
}
