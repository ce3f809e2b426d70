/**
 * Theme and direction of the demo page. `?theme=dark` and `?dir=rtl` override
 * the stored choice (handy for screenshots and for trying RTL); otherwise the
 * theme follows the last toggle, then the system preference.
 */
export type Theme = 'light' | 'dark';

const THEME_KEY = 'stompkit-demo:theme';

export function initialTheme(): Theme {
  const query = new URLSearchParams(window.location.search).get('theme');
  if (query === 'light' || query === 'dark') return query;
  const stored = window.localStorage.getItem(THEME_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Set the page's theme; `remember` stores it as the person's choice (a toggle, not a URL override). */
export function applyTheme(theme: Theme, remember = false): void {
  document.documentElement.dataset.theme = theme;
  if (remember) window.localStorage.setItem(THEME_KEY, theme);
}

/** `?dir=rtl` lays the page out right to left (with `lang=ar` unless `?lang=` says otherwise). */
export function applyDirection(): void {
  const params = new URLSearchParams(window.location.search);
  if (params.get('dir') === 'rtl') {
    document.documentElement.dir = 'rtl';
    document.documentElement.lang = params.get('lang') ?? 'ar';
  }
}

const USER_KEY = 'stompkit-demo:user';

/**
 * The signed-in name lives in sessionStorage: it survives a reload of this
 * tab, while a second window starts signed out, so two windows can chat as
 * two people out of the box.
 */
export function storedUser(): string | null {
  return window.sessionStorage.getItem(USER_KEY);
}

export function storeUser(name: string | null): void {
  if (name === null) window.sessionStorage.removeItem(USER_KEY);
  else window.sessionStorage.setItem(USER_KEY, name);
}
