import { useTranslation } from 'react-i18next';
import type { PendingUpload } from './use-pending-uploads';
import { formatSize } from './upload';
import { FileIcon } from './icons';
import { Icon } from '../Icon';
import './attachments.css';

/** The composer's chips: preview or file name, size, progress, and a remove button. */
export function PendingUploads({ items, onRemove }: { items: PendingUpload[]; onRemove: (key: string) => void }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <ul className="pending-uploads" aria-label={t('uploads.label')}>
      {items.map((i) => (
        <li key={i.key} className={`attachment-chip ${i.error ? 'failed' : ''}`} data-testid="pending-upload">
          {i.previewUrl ? <img className="chip-preview" src={i.previewUrl} alt="" /> : <FileIcon />}
          <span className="chip-text">
            <span className="chip-name" title={i.file.name}>{i.file.name}</span>
            <span className="chip-size">
              {i.error ? i.error : i.attachment ? formatSize(i.attachment.size) : i.queued ? `${formatSize(i.file.size)} · ${t('uploads.whenOnline')}` : `${formatSize(i.file.size)} · ${Math.round(i.progress * 100)}%`}
            </span>
            {!i.attachment && !i.error && !i.queued && <progress max={1} value={i.progress} aria-label={t('uploads.uploading', { name: i.file.name })} />}
          </span>
          <button type="button" className="chip-remove" onClick={() => onRemove(i.key)} aria-label={t('uploads.remove', { name: i.file.name })}><Icon name="close" size={16} /></button>
        </li>
      ))}
    </ul>
  );
}
