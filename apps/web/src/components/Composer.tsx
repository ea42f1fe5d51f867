import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, type Conversation } from '@parley/protocol';
import { useChat, useServices, useUiState } from '../state/app-context';
import { checkBody } from '../state/validate';
import { FormError } from './FormError';
import { Icon } from './Icon';
import { PendingUploads } from './attachments/PendingUploads';
import { PaperclipIcon } from './attachments/icons';
import { usePendingUploads } from './attachments/use-pending-uploads';

/** Stop the typing indicator after this long without a keystroke. */
const TYPING_IDLE_MS = 3000;

/**
 * The chat composer: Enter sends, Shift+Enter starts a new line, Up in an empty box edits
 * my last message. Sending goes through the SDK outbox, so it works offline too: the
 * message waits (with a clock) and is sent once, when the connection is back. A refused
 * send comes back as a failed bubble (MessageList), whose Edit puts the text back here.
 */
export function Composer({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const { store, ui } = useServices();
  const conversationId = c.id;
  const me = useChat((s) => s.me?.id);
  const messages = useChat((s) => s.windows[conversationId]?.messages);
  const draft = useUiState((s) => s.drafts[conversationId]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const uploads = usePendingUploads();
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    if (draft === undefined) return;
    setText(ui.takeDraft(conversationId) ?? '');
    input.current?.focus();
  }, [draft, ui, conversationId]);

  const stopTyping = () => {
    if (idle.current) clearTimeout(idle.current);
    if (idle.current) store.typing(conversationId, 'stop');
    idle.current = null;
  };
  // Leaving the conversation ends my typing indicator there.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- on a change of conversation only, not on every render's new stopTyping
  useEffect(() => () => stopTyping(), [conversationId]);

  const onChange = (value: string) => {
    setText(value);
    if (error) setError(null);
    if (!value) return stopTyping();
    store.typing(conversationId, 'start');
    if (idle.current) clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    if (uploads.items.length > 0) {
      if (uploads.busy || uploads.ready.length + uploads.queued.length === 0) return setError(uploads.busy ? t('composer.waitUploads') : t('composer.removeFailed'));
      // Files alone are fine (the body then names them); text with them must still fit.
      const problem = text.trim() ? checkBody(text) : null;
      if (problem) return setError(problem);
    } else {
      const problem = checkBody(text);
      if (problem) {
        if (text.length > 0) setError(problem);
        return;
      }
    }
    stopTyping();
    // Both go through the SDK outbox: pending until acknowledged, queued while offline.
    if (uploads.items.length > 0) uploads.send(conversationId, text);
    else store.send(conversationId, text);
    setText('');
    setError(null);
    input.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'ArrowUp' && !text && !e.shiftKey && !e.altKey && !e.metaKey && !e.ctrlKey) {
      const mine = messages ? [...messages].reverse().find((m) => m.senderId === me && m.deletedAt === null) : undefined;
      if (mine) {
        e.preventDefault();
        ui.setEditing(conversationId, mine.id);
      }
    }
  };

  const rows = Math.min(6, text.split('\n').length);
  return (
    <form className={`composer ${dragging ? 'dragging' : ''}`} onSubmit={send} aria-label={t('composer.label')}
      onDragOver={(e) => { if (e.dataTransfer.types.includes('Files')) { e.preventDefault(); setDragging(true); } }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => { if (e.dataTransfer.files.length) { e.preventDefault(); uploads.add(e.dataTransfer.files); } setDragging(false); }}>
      <FormError message={error} />
      <PendingUploads items={uploads.items} onRemove={uploads.remove} />
      <div className="composer-row">
        <button type="button" className="attach-button icon-button" aria-label={t('composer.attach')} title={t('composer.attach')} onClick={() => fileInput.current?.click()}><PaperclipIcon /></button>
        <input ref={fileInput} type="file" multiple hidden aria-label={t('composer.chooseFiles')}
          onChange={(e) => { if (e.target.files) uploads.add(e.target.files); e.target.value = ''; }} />
        <label htmlFor={`composer-${conversationId}`} className="visually-hidden">{t('composer.message')}</label>
        <textarea id={`composer-${conversationId}`} ref={input} rows={rows} placeholder={t('composer.placeholder')} value={text} data-composer=""
          onChange={(e) => onChange(e.target.value)} onKeyDown={onKeyDown} onBlur={stopTyping} aria-describedby={`composer-hint-${conversationId}`} />
        <button type="submit" className="send-button" aria-label={t('composer.send')} title={t('composer.sendHint')}>
          <Icon name="send" />
        </button>
      </div>
      <p id={`composer-hint-${conversationId}`} className="composer-hint">
        {t('composer.hint')}{text.length > LIMITS.bodyMax * 0.9 ? ` · ${text.length}/${LIMITS.bodyMax}` : ''}
      </p>
    </form>
  );
}
