'use client';
import { useRef, useState, type ClipboardEvent, type DragEvent } from 'react';

export interface AttachButtonProps {
  onFiles(files: File[]): void;
  /** What the file picker offers, e.g. `image/*`; default any file. */
  accept?: string;
  disabled?: boolean;
}

/** "Attach files": a button opening the file picker (the input itself stays out of the tab order). */
export function AttachButton({ onFiles, accept, disabled }: AttachButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="sk-button sk-button--quiet sk-composer__attach" aria-label="Attach files" aria-disabled={disabled || undefined} onClick={() => !disabled && input.current?.click()}>
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
          <path d="M21 12.5l-8.5 8.5a5 5 0 0 1-7-7L14 5.5a3.5 3.5 0 0 1 5 5L10.5 19a2 2 0 0 1-3-3L15 8.5" />
        </svg>
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        className="sk-visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}

/** Drop and paste of files on the composer; `dragging` while files hover over it. */
export function useFileDrop(onFiles: ((files: File[]) => void) | undefined) {
  const [dragging, setDragging] = useState(false);
  const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');
  if (!onFiles) return { dragging: false, handlers: {} };
  return {
    dragging,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      },
      onDragLeave: () => setDragging(false),
      onDrop: (e: DragEvent) => {
        setDragging(false);
        const files = [...e.dataTransfer.files];
        if (files.length === 0) return;
        e.preventDefault();
        onFiles(files);
      },
      onPaste: (e: ClipboardEvent) => {
        const files = [...e.clipboardData.files];
        // Text pastes stay text; only pasted files (a screenshot) become attachments.
        if (files.length === 0) return;
        e.preventDefault();
        onFiles(files);
      },
    },
  };
}
