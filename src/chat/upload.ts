/**
 * Uploading attachments. Apps pass their own `UploadFile` (their storage,
 * e.g. presigned URLs); `createBrokerUpload` is the one for the dev broker's
 * `/uploads` endpoint, for development.
 */
import type { Attachment } from './protocol';

export interface UploadRequest {
  /** Aborts the upload (the promise rejects with an `AbortError`). */
  signal?: AbortSignal;
  /** Bytes sent so far of `total`. */
  onProgress?(sent: number, total: number): void;
}

/** Stores a file and resolves with what a message needs to show it. */
export type UploadFile = (file: File, request?: UploadRequest) => Promise<Attachment>;

export interface BrokerUploadOptions {
  /** The endpoint; default `/uploads` (same origin: the Vite plugin mounts the broker there). */
  url?: string;
  /** A user of the broker's `users`, when it has some. */
  login?: string;
  passcode?: string;
}

/** An image's size, read before the upload so the list can reserve its space. */
async function dimensions(file: File): Promise<{ width: number; height: number } | null> {
  if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return null;
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return null;
  }
}

/** `UploadFile` for the dev broker's `/uploads` endpoint (XHR, for upload progress). */
export function createBrokerUpload(options: BrokerUploadOptions = {}): UploadFile {
  const endpoint = options.url ?? '/uploads';
  return async (file, request = {}) => {
    const size = await dimensions(file);
    const stored = await new Promise<Attachment>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${endpoint}?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      if (options.login !== undefined) xhr.setRequestHeader('authorization', `Basic ${btoa(`${options.login}:${options.passcode ?? ''}`)}`);
      xhr.upload.onprogress = (e) => request.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        if (xhr.status === 201) resolve(JSON.parse(xhr.responseText) as Attachment);
        else reject(new Error(xhr.responseText.trim() || `upload failed (${xhr.status})`));
      };
      xhr.onerror = () => reject(new Error('upload failed: the network is down or the broker refused it'));
      xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
      if (request.signal?.aborted) {
        reject(new DOMException('upload cancelled', 'AbortError'));
        return;
      }
      request.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
    return size ? { ...stored, ...size } : stored;
  };
}
