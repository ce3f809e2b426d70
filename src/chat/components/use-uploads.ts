'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorText, type Attachment } from '../protocol';
import type { UploadFile } from '../upload';

/** A file on its way into a message. */
export interface UploadItem {
  /** Stable for the item's life (not its position). */
  key: string;
  name: string;
  size: number;
  status: 'uploading' | 'failed' | 'done';
  /** Bytes sent so far of `total`. */
  sent: number;
  total: number;
  /** Why it failed, for logs (the tray says "Upload failed"). */
  error?: string;
  attachment?: Attachment;
}

let counter = 0;

/**
 * The composer's uploads: each file uploads at once with progress; Cancel
 * aborts it (AbortController), a failure keeps the file for Retry or Remove.
 */
export function useUploads(uploadFile: UploadFile | undefined) {
  const [items, setItems] = useState<readonly UploadItem[]>([]);
  const files = useRef(new Map<string, File>());
  const controllers = useRef(new Map<string, AbortController>());
  const patch = useCallback((key: string, change: Partial<UploadItem>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const start = useCallback(
    (key: string, file: File) => {
      if (!uploadFile) return;
      const controller = new AbortController();
      controllers.current.set(key, controller);
      const onProgress = (sent: number, total: number) => patch(key, { sent, total });
      uploadFile(file, { signal: controller.signal, onProgress }).then(
        (attachment) => patch(key, { status: 'done', attachment, sent: file.size }),
        (error: unknown) => {
          // A cancel removed the item already.
          if (!controller.signal.aborted) patch(key, { status: 'failed', error: errorText(error) });
        },
      );
    },
    [uploadFile, patch],
  );

  const add = useCallback(
    (added: readonly File[]) => {
      const fresh = added.map((file) => {
        const key = `upload-${++counter}`;
        files.current.set(key, file);
        return { key, name: file.name, size: file.size, status: 'uploading' as const, sent: 0, total: file.size };
      });
      setItems((list) => [...list, ...fresh]);
      fresh.forEach((item) => start(item.key, files.current.get(item.key)!));
    },
    [start],
  );

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    controllers.current.delete(key);
    files.current.delete(key);
    setItems((list) => list.filter((item) => item.key !== key));
  }, []);

  const retry = useCallback(
    (key: string) => {
      const file = files.current.get(key);
      if (!file) return;
      patch(key, { status: 'uploading', sent: 0, error: undefined });
      start(key, file);
    },
    [patch, start],
  );

  /** After a send: the sent files leave the tray. */
  const clear = useCallback(() => {
    setItems((list) => {
      list.filter((i) => i.status === 'done').forEach((i) => files.current.delete(i.key));
      return list.filter((i) => i.status !== 'done');
    });
  }, []);

  // Leaving the composer stops what is still uploading.
  useEffect(() => {
    const running = controllers.current;
    return () => running.forEach((c) => c.abort());
  }, []);

  const attachments = useMemo(() => items.flatMap((i) => (i.attachment && i.status === 'done' ? [i.attachment] : [])), [items]);
  const uploading = items.some((i) => i.status === 'uploading');
  return { items, add, remove, retry, clear, attachments, uploading };
}
