import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { MessageActionHandlers } from './message-actions';

/**
 * Which message of the list shows the inline editor (one at a time), with
 * the app's handlers wrapped to open and close it. When the editor closes,
 * focus goes back to its row, so keyboard users stay where they were.
 */
export function useEditing(actions: MessageActionHandlers | undefined, scroller: RefObject<HTMLElement | null>) {
  const [editingId, setEditingId] = useState<string | null>(null);
  const closed = useRef<string | null>(null);
  const handlers = useMemo<MessageActionHandlers | undefined>(() => {
    if (!actions) return undefined;
    const { onEditSave, onEditStart, onEditCancel } = actions;
    const close = (id: string) => {
      closed.current = id;
      setEditingId(null);
    };
    return {
      ...actions,
      onEditStart: onEditSave
        ? (id) => {
            setEditingId(id);
            onEditStart?.(id);
          }
        : undefined,
      onEditCancel: (id) => {
        close(id);
        onEditCancel?.(id);
      },
      onEditSave: onEditSave
        ? (id, text) => {
            close(id);
            onEditSave(id, text);
          }
        : undefined,
    };
  }, [actions]);
  useEffect(() => {
    const id = closed.current;
    if (editingId !== null || id === null) return;
    closed.current = null;
    scroller.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(id)}"] article`)?.focus();
  }, [editingId, scroller]);
  return { editingId, handlers };
}
