'use client';
import { formatBytes } from './attachment-url';
import { useChatFormat } from './locale';
import type { UploadItem } from './use-uploads';

export interface UploadTrayProps {
  items: readonly UploadItem[];
  /** Abort an upload, or take a file out (failed or uploaded). */
  onRemove(key: string): void;
  onRetry(key: string): void;
  className?: string;
}

/** Files in the composer: progress with Cancel while uploading, Retry and Remove when failed, Remove once uploaded. */
export function UploadTray({ items, onRemove, onRetry, className }: UploadTrayProps) {
  const format = useChatFormat();
  if (items.length === 0) return null;
  return (
    <ul className={['sk-uploads', className].filter(Boolean).join(' ')} aria-label="Files to send">
      {items.map((item) => (
        <li key={item.key} className="sk-upload" data-state={item.status}>
          <bdi className="sk-upload__name">{item.name}</bdi>
          <span className="sk-upload__size">{formatBytes(item.size, format.locale)}</span>
          {item.status === 'uploading' ? (
            <>
              <progress className="sk-upload__progress" max={item.total || 1} value={item.sent} aria-label={`Uploading ${item.name}`} />
              <button type="button" className="sk-button sk-button--quiet" aria-label={`Cancel upload of ${item.name}`} onClick={() => onRemove(item.key)}>
                Cancel
              </button>
            </>
          ) : item.status === 'failed' ? (
            <>
              <span className="sk-upload__error" role="alert">
                Upload failed
              </span>
              <button type="button" className="sk-button sk-button--quiet" aria-label={`Retry upload of ${item.name}`} onClick={() => onRetry(item.key)}>
                Retry
              </button>
              <button type="button" className="sk-button sk-button--quiet" aria-label={`Remove ${item.name}`} onClick={() => onRemove(item.key)}>
                Remove
              </button>
            </>
          ) : (
            <button type="button" className="sk-button sk-button--quiet" aria-label={`Remove ${item.name}`} onClick={() => onRemove(item.key)}>
              Remove
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
