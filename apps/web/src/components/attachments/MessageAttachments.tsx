/**
 * A message's attachments: safe images inline (thumbnail, opening the full image),
 * everything else as a chip with name and size. <img> cannot send the Authorization
 * header, so the URLs are short-lived signed links minted for this conversation; a
 * link that expires is minted again when the image fails to load.
 */
import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useState } from 'react';
import type { AttachmentId, ConversationId, MessageAttachment } from '@parley/protocol';
import { useServices } from '../../state/app-context';
import { formatSize } from './upload';
import { FileIcon } from './icons';
import './attachments.css';

interface Link {
  url: string;
  thumbnailUrl: string | null;
}

export function MessageAttachments({ conversationId, attachments }: { conversationId: string; attachments: MessageAttachment[] }) {
  const { t } = useTranslation();
  const { client } = useServices();
  const [links, setLinks] = useState<Record<string, Link>>({});
  const ids = attachments.map((a) => a.id).join(',');

  const mint = useCallback(() => {
    client
      .request('attachmentLinks', { params: { id: conversationId as ConversationId }, body: { attachmentIds: ids.split(',') as AttachmentId[] } })
      .then(({ links: got }) => setLinks(Object.fromEntries(got.map((l) => [l.id, { url: l.url, thumbnailUrl: l.thumbnailUrl }]))))
      .catch(() => {});
  }, [client, conversationId, ids]);
  useEffect(mint, [mint]);

  return (
    <div className="message-attachments">
      {attachments.map((a) => {
        const link = links[a.id];
        if (a.kind === 'image' && a.hasThumbnail) {
          return (
            <a key={a.id} className="attachment-image" href={link?.url} target="_blank" rel="noopener noreferrer" aria-label={t('uploads.image', { name: a.name })}>
              {link?.thumbnailUrl ? (
                <img src={link.thumbnailUrl} alt={a.name} width={a.width} height={a.height} onError={mint} data-testid="attachment-image" />
              ) : (
                <span className="image-placeholder" />
              )}
            </a>
          );
        }
        return (
          <a key={a.id} className="attachment-chip file" href={link?.url} download={a.name} rel="noopener noreferrer" data-testid="attachment-file">
            <FileIcon />
            <span className="chip-text">
              <span className="chip-name" title={a.name}>{a.name}</span>
              <span className="chip-size">{formatSize(a.size)}</span>
            </span>
          </a>
        );
      })}
    </div>
  );
}
