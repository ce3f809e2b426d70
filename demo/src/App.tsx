import { useState } from 'react';
import { readConfig } from './config';
import { applyDirection, applyTheme, initialTheme, storedUser, storeUser, type Theme } from './preferences';
import { Shell } from './Shell';
import { SignIn } from './SignIn';
import { Workspace } from './Workspace';

applyDirection();

/** Signed out: the sign-in card. Signed in: the chat workspace for that name. */
export function App() {
  const [config] = useState(() => readConfig());
  const [user, setUser] = useState(() => storedUser());
  const [theme, setTheme] = useState<Theme>(() => {
    const initial = initialTheme();
    applyTheme(initial);
    return initial;
  });
  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next, true);
    setTheme(next);
  };
  const signIn = (name: string) => {
    storeUser(name);
    setUser(name);
  };
  const signOut = () => {
    storeUser(null);
    setUser(null);
  };
  if (!user) {
    const label = config.bundled ? 'Bundled dev broker on this origin' : `Broker: ${config.nodes.join(', ') || config.endpoints.websocket}`;
    return <SignIn onSignIn={signIn} brokerLabel={label} />;
  }
  return (
    // A new name is a new session: the key remounts everything below.
    <Shell key={user} user={user} config={config} theme={theme} onToggleTheme={toggleTheme} onSignOut={signOut}>
      {(drawer) => <Workspace user={user} passcode={config.bundled ? config.passcode : undefined} directory={config.directory} drawerOpen={drawer.open} onCloseDrawer={drawer.close} />}
    </Shell>
  );
}
