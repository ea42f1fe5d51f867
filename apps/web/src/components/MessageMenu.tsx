import { useEffect, useRef, useState } from 'react';
import { IconButton } from './IconButton';

interface Props {
  canEdit: boolean;
  canDeleteForEveryone: boolean;
  onEdit: () => void;
  onDelete: (scope: 'me' | 'everyone') => void;
  /** Present for others' messages: opens the report dialog (moderation). */
  onReport?: (() => void) | undefined;
}

/** The per-message menu: a labelled button opening a keyboard-usable menu (arrows, Escape). */
export function MessageMenu({ canEdit, canDeleteForEveryone, onEdit, onDelete, onReport }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDoc = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const items = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(i + 1) % items.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i - 1 + items.length) % items.length]?.focus();
    }
  };

  return (
    <div className="message-menu" ref={root} onKeyDown={onKeyDown}>
      <IconButton ref={button} icon="more" label="Message options" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} className="message-menu-button" />
      {open && (
        <div role="menu" className="menu" aria-label="Message options">
          {canEdit && <button type="button" role="menuitem" onClick={choose(onEdit)}>Edit</button>}
          <button type="button" role="menuitem" onClick={choose(() => onDelete('me'))}>Delete for me</button>
          {canDeleteForEveryone && <button type="button" role="menuitem" className="danger" onClick={choose(() => onDelete('everyone'))}>Delete for everyone</button>}
          {onReport && <button type="button" role="menuitem" onClick={choose(onReport)}>Report</button>}
        </div>
      )}
    </div>
  );
}
