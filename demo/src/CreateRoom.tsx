import { useId, useState, type FormEvent } from 'react';

/** Room ids on the wire are lowercase letters, digits, `-` and `_` (RabbitMQ queue names follow from them). */
export function toRoomId(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

export interface CreateRoomProps {
  /** Create (or join, if it exists) the room with this id and display name. */
  onCreate(roomId: string, name: string): void | Promise<void>;
}

/** A one-line form under the room list. */
export function CreateRoom({ onCreate }: CreateRoomProps) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = toRoomId(name);
    if (!id) {
      setError('Use letters or digits in the room name.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await onCreate(id, name.trim());
      setName('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="create-room" onSubmit={submit} noValidate>
      <input
        className="field__input"
        aria-label="New room name"
        placeholder="New room"
        value={name}
        maxLength={48}
        onChange={(e) => setName(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
      />
      <button className="button" type="submit" aria-label="Create room" title="Create room" disabled={busy}>
        +
      </button>
      {error ? (
        <p id={errorId} className="field__error create-room__error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
