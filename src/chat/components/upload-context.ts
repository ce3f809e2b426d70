'use client';
import { createContext, useContext } from 'react';
import type { UploadFile } from '../upload';

/** The app's `uploadFile` (`<ChatProvider uploadFile>`); none: composers offer no attachments. */
export const ChatUploadContext = createContext<UploadFile | undefined>(undefined);

/** `own` if given, else the provider's `uploadFile`. */
export function useUploadFile(own?: UploadFile): UploadFile | undefined {
  const fromProvider = useContext(ChatUploadContext);
  return own ?? fromProvider;
}
