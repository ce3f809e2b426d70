import type { Decorator, Preview } from '@storybook/react-vite';
import { useEffect } from 'react';
import '../src/chat/styles.css';
import './preview.css';

type Theme = 'light' | 'dark';
type Dir = 'ltr' | 'rtl';

// Theme and direction are toolbar globals so every story can be checked dark
// and right-to-left; the chat styles read `data-theme` and logical properties.
const withThemeAndDir: Decorator = (Story, context) => {
  const theme = (context.globals.theme as Theme | undefined) ?? 'light';
  const dir = (context.globals.dir as Dir | undefined) ?? 'ltr';
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.dir = dir;
  }, [theme, dir]);
  return (
    <div className="sk-story" data-theme={theme} dir={dir}>
      <Story />
    </div>
  );
};

const preview: Preview = {
  decorators: [withThemeAndDir],
  globalTypes: {
    theme: {
      description: 'Colour theme of the components',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    dir: {
      description: 'Text direction',
      toolbar: {
        title: 'Direction',
        icon: 'transfer',
        items: [
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', dir: 'ltr' },
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true, matchers: { date: /At$/ } },
    // Accessibility violations fail the story's test, not just a panel warning.
    a11y: { test: 'error' },
  },
  tags: ['autodocs'],
};

export default preview;
