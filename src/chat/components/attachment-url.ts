/**
 * Which attachment URLs may render: `https:` anywhere, or this page's own
 * origin (the dev broker's `/uploads`). Anything else (`http:` elsewhere,
 * `javascript:`, `data:`, `blob:`) renders as its name in plain text.
 */
export function safeAttachmentUrl(url: string, base: string | undefined = globalThis.location?.href): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return null;
  }
  if (parsed.protocol === 'https:') return parsed.href;
  const here = base ? safeOrigin(base) : null;
  // `blob:` URLs carry their creator's origin, but a blob from the wire means nothing here.
  return here !== null && parsed.protocol === 'http:' && parsed.origin === here ? parsed.href : null;
}

function safeOrigin(base: string): string | null {
  try {
    const origin = new URL(base).origin;
    // Opaque origins ("null": data:, file:) match nothing.
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** "12 KB", "3.4 MB": sizes as people read them (1 KB = 1024 bytes). */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits })} ${units[unit]}`;
}

/** Largest box an image preview takes, in CSS px; the sheet can only make it smaller. */
export const PREVIEW_MAX = { width: 360, height: 280 };

/** The preview's size from the attachment's own: scaled down into `PREVIEW_MAX`, never up, aspect ratio kept. */
export function previewSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, PREVIEW_MAX.width / width, PREVIEW_MAX.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
