import { useId, useState, type FormEvent } from 'react';
import { validateName } from './config';

export interface SignInProps {
  onSignIn(name: string): void;
  /** Shown under the form: which broker this demo talks to. */
  brokerLabel: string;
}

/** The first screen: a name is all it takes. */
export function SignIn({ onSignIn, brokerLabel }: SignInProps) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = validateName(name);
    setError(problem);
    if (!problem) onSignIn(name.trim());
  };

  return (
    <main className="signin">
      <form className="signin__card" onSubmit={submit} noValidate>
        <div className="brand brand--large" aria-hidden="true">
          <span className="brand__mark" />
          stompkit
        </div>
        <h1 className="signin__title">Sign in to chat</h1>
        <p className="signin__lead">Pick a name. Open a second window to chat with yourself.</p>
        <label className="field__label" htmlFor={inputId}>
          Your name
        </label>
        <input
          id={inputId}
          className="field__input"
          name="name"
          autoComplete="nickname"
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          placeholder="e.g. alice"
        />
        {error && (
          <p id={errorId} className="field__error" role="alert">
            {error}
          </p>
        )}
        <button className="button button--primary signin__submit" type="submit">
          Continue
        </button>
        <p className="signin__foot">{brokerLabel}</p>
      </form>
    </main>
  );
}
