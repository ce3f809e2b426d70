'use client';
import { useState } from 'react';
import { ComposerView } from './ComposerView';
import type { MessageData } from './Message';
import type { MessageActionHandlers } from './message-actions';

export interface MessageEditorProps {
  message: MessageData;
  actions: MessageActionHandlers;
}

/** The text of an own message made editable in place: Enter saves, Shift+Enter breaks the line, Escape cancels. */
export function MessageEditor({ message, actions }: MessageEditorProps) {
  const [value, setValue] = useState(message.text);
  const cancel = () => actions.onEditCancel?.(message.id);
  return (
    <ComposerView
      className="sk-composer--inline"
      label="Edit message"
      editing
      autoFocus
      value={value}
      onValueChange={setValue}
      onCancel={cancel}
      onSend={(text) => (text === message.text.trim() ? cancel() : actions.onEditSave?.(message.id, text))}
    />
  );
}
