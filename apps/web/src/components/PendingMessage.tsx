import type { OutboxItem } from '@parley/client';
import { clockTime } from '../state/format';
import { Icon } from './Icon';
import { RichText } from './RichText';
import { PaperclipIcon } from './attachments/icons';

/** A message still in the outbox: shown as mine, with a clock until the server acknowledges it. */
export function PendingMessage({ item }: { item: OutboxItem }) {
  // Uploaded files travel as ids, files picked offline as references (items saved by older SDKs have neither).
  const files = (item.attachmentIds?.length ?? 0) + (item.files?.length ?? 0);
  return (
    <li className="message mine pending" aria-label="Message waiting to send">
      <div className="bubble">
        {item.title && <p className="message-title">{item.title}</p>}
        <p className="message-body"><RichText text={item.body} /></p>
        {files > 0 && (
          <p className="pending-files" data-testid="pending-attachments">
            <PaperclipIcon /> {files === 1 ? '1 file' : `${files} files`}
          </p>
        )}
        <span className="message-meta">
          <time>{clockTime(item.createdAt)}</time>
          <span className="tick" role="img" aria-label="Sending" title="Sending"><Icon name="clock" size={14} /></span>
        </span>
      </div>
    </li>
  );
}
