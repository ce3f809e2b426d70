import type { Theme } from './preferences';

export interface TopBarProps {
  user: string;
  theme: Theme;
  onToggleTheme(): void;
  onSignOut(): void;
  /** Narrow screens: opens the room drawer. */
  onToggleRooms(): void;
  roomsOpen: boolean;
}

/** Brand, the rooms button on phones, theme toggle, who is signed in, sign out. */
export function TopBar({ user, theme, onToggleTheme, onSignOut, onToggleRooms, roomsOpen }: TopBarProps) {
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <header className="topbar">
      <button
        type="button"
        className="button button--ghost button--icon rooms-toggle"
        aria-label="Rooms"
        aria-expanded={roomsOpen}
        aria-controls="demo-sidebar"
        onClick={onToggleRooms}
      >
        <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
          <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </button>
      <span className="brand">
        <span className="brand__mark" aria-hidden="true" />
        stompkit <span className="brand__sub">chat</span>
      </span>
      <span className="topbar__spacer" />
      <button
        type="button"
        className="button button--ghost button--icon"
        aria-label={`Switch to ${next} theme`}
        title={`Switch to ${next} theme`}
        onClick={onToggleTheme}
      >
        {theme === 'dark' ? (
          <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="4.5" fill="currentColor" />
            <path
              d="M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
            />
          </svg>
        ) : (
          <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M20 14.5A8.5 8.5 0 0 1 9.5 4a8.5 8.5 0 1 0 10.5 10.5Z" fill="currentColor" />
          </svg>
        )}
      </button>
      <span className="topbar__user">
        <span className="avatar" aria-hidden="true">
          {user.slice(0, 1)}
        </span>
        <span className="topbar__name">{user}</span>
      </span>
      <button type="button" className="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
