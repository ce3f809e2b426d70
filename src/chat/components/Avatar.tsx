'use client';
import { useState } from 'react';
import { avatarColor, initials } from './avatar-color';

export interface AvatarProps {
  userId: string;
  /** Display name, for the initials; default the user id. */
  name?: string;
  /** Image URL; on a load error the initials show instead. */
  image?: string;
  className?: string;
}

/**
 * A person's avatar: their image when the app has one, else initials on a
 * colour derived from the user id. Decorative (`aria-hidden`): the name is
 * always written beside it.
 */
export function Avatar({ userId, name, image, className }: AvatarProps) {
  const [broken, setBroken] = useState<string | null>(null);
  const cls = ['sk-avatar', className].filter(Boolean).join(' ');
  if (image && broken !== image) {
    return <img className={cls} src={image} alt="" aria-hidden="true" loading="lazy" onError={() => setBroken(image)} />;
  }
  return (
    // The initials are drawn by the stylesheet (attr()), so copying a conversation copies no stray letters.
    <span className={cls} aria-hidden="true" data-initials={initials(name ?? userId)} style={{ backgroundColor: avatarColor(userId) }} />
  );
}
