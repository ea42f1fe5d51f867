import { useEffect } from 'react';
import { useServices, useUiState } from '../../state/app-context';
import { conversationPath, navigate, type Route } from '../../state/router';
import { QuickSwitcher } from './QuickSwitcher';
import { ShortcutsDialog } from './ShortcutsDialog';

/** Whether focus is in a place that takes typing (a shortcut letter must not be stolen from it). */
function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');
}

/**
 * Keyboard shortcuts for the whole app (listed in the help dialog, "?"):
 * Ctrl/⌘+K jump to a conversation · Alt+↓ / Alt+↑ next / previous conversation with
 * unread messages · Escape closes the details panel (dialogs and menus close themselves)
 * · Up in an empty composer edits my last message (Composer).
 */
export function Shortcuts({ route }: { route: Route }) {
  const { store, ui } = useServices();
  const shortcutsOpen = useUiState((s) => s.shortcutsOpen);
  const switcherOpen = useUiState((s) => s.switcherOpen);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        ui.setSwitcherOpen(true);
      } else if (e.altKey && !mod && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        const unread = Object.values(store.getState().conversations)
          .filter((c) => c.unreadCount > 0 && !c.me.archived)
          .sort((a, b) => b.updatedAt - a.updatedAt);
        if (unread.length === 0) return;
        const current = route.name === 'conversation' ? unread.findIndex((c) => c.id === route.id) : -1;
        const step = e.key === 'ArrowDown' ? 1 : -1;
        const next = unread[(current + step + unread.length) % unread.length] ?? unread[0]!;
        navigate(conversationPath(next.id));
      } else if (e.key === '?' && !mod && !typingIn(e.target)) {
        e.preventDefault();
        ui.setShortcutsOpen(true);
      } else if (e.key === 'Escape' && route.name === 'conversationInfo' && !document.querySelector('[role="dialog"], [role="alertdialog"], [role="menu"]')) {
        navigate(conversationPath(route.id));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route, store, ui]);

  return (
    <>
      {shortcutsOpen && <ShortcutsDialog onClose={() => ui.setShortcutsOpen(false)} />}
      {switcherOpen && <QuickSwitcher onClose={() => ui.setSwitcherOpen(false)} />}
    </>
  );
}
