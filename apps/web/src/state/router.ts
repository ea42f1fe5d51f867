/**
 * A tiny History-API router: the server answers every non-API path with index.html,
 * so each screen has a real URL that survives a reload.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'chats' }
  | { name: 'archived' }
  | { name: 'received' }
  | { name: 'sent' }
  | { name: 'conversation'; id: string; messageId: string | null }
  | { name: 'conversationInfo'; id: string }
  | { name: 'newChat' }
  | { name: 'settings' }
  | { name: 'admin' };

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const q = new URLSearchParams(search);
  switch (parts[0]) {
    case 'archived':
      return { name: 'archived' };
    case 'received':
      return { name: 'received' };
    case 'sent':
      return { name: 'sent' };
    case 'c':
      if (parts[1] && parts[2] === 'info') return { name: 'conversationInfo', id: parts[1] };
      if (parts[1]) return { name: 'conversation', id: parts[1], messageId: q.get('m') };
      return { name: 'chats' };
    // One "New chat" screen for a person or a group (older links land there too).
    case 'new':
    case 'compose':
    case 'groups':
    case 'people':
      return { name: 'newChat' };
    case 'settings':
      return { name: 'settings' };
    case 'admin':
      return { name: 'admin' };
    default:
      return { name: 'chats' };
  }
}

/** Whether the route shows a conversation's details (beside the chat on wide screens). */
export function isInfo(route: Route): route is { name: 'conversationInfo'; id: string } {
  return route.name === 'conversationInfo';
}

export function conversationPath(id: string, messageId?: string): string {
  return `/c/${encodeURIComponent(id)}${messageId ? `?m=${encodeURIComponent(messageId)}` : ''}`;
}

/** pushState fires no event of its own; this one tells useLocation subscribers. */
const NAVIGATE_EVENT = 'parley:navigate';

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(l: () => void): () => void {
  window.addEventListener(NAVIGATE_EVENT, l);
  window.addEventListener('popstate', l);
  return () => {
    window.removeEventListener(NAVIGATE_EVENT, l);
    window.removeEventListener('popstate', l);
  };
}

const snapshot = () => location.pathname + location.search;

export function useLocation(): string {
  return useSyncExternalStore(subscribe, snapshot);
}

export function useRoute(): Route {
  const loc = useLocation();
  const [path, search = ''] = loc.split('?');
  return parseRoute(path ?? '/', search ? `?${search}` : '');
}
