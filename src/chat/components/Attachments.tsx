'use client';
import type { Attachment } from '../protocol';
import { formatBytes, previewSize, safeAttachmentUrl } from './attachment-url';
import { useChatFormat } from './locale';

export interface AttachmentsProps {
  attachments: readonly Attachment[];
  className?: string;
}

/**
 * A message's files: images as previews whose box is known before they load
 * (from the attachment's width and height, so the virtualized list never
 * jumps), other files as download links with their name and size. A URL
 * that is neither `https:` nor this origin's shows as plain text.
 */
export function Attachments({ attachments, className }: AttachmentsProps) {
  return (
    <ul className={['sk-attachments', className].filter(Boolean).join(' ')} aria-label="Attachments">
      {attachments.map((attachment, i) => (
        // A message's attachments never change after sending: url + position is stable and unique.
        <li key={`${attachment.url}#${i}`} className="sk-attachment">
          <AttachmentItem attachment={attachment} />
        </li>
      ))}
    </ul>
  );
}

function AttachmentItem({ attachment }: { attachment: Attachment }) {
  const format = useChatFormat();
  const href = safeAttachmentUrl(attachment.url);
  const size = formatBytes(attachment.size, format.locale);
  if (href === null) {
    return (
      <span className="sk-attachment__file" data-state="blocked">
        <bdi className="sk-attachment__name">{attachment.name}</bdi> <span className="sk-attachment__size">({size})</span>
      </span>
    );
  }
  const { width, height } = attachment;
  if (attachment.type.startsWith('image/') && width && height) {
    const box = previewSize(width, height);
    return (
      <a className="sk-attachment__image-link" href={href} target="_blank" rel="noopener noreferrer">
        <img
          className="sk-attachment__image"
          src={href}
          alt={attachment.name}
          width={box.width}
          height={box.height}
          // Explicit ratio: the box is reserved before any byte of the image arrives.
          style={{ aspectRatio: `${width} / ${height}` }}
          loading="lazy"
          decoding="async"
        />
      </a>
    );
  }
  return (
    <a className="sk-attachment__file" href={href} download={attachment.name} target="_blank" rel="noopener noreferrer">
      <span aria-hidden="true">📄 </span>
      <bdi className="sk-attachment__name">{attachment.name}</bdi> <span className="sk-attachment__size">({size})</span>
    </a>
  );
}
