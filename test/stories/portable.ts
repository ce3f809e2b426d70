import { createElement, Fragment } from 'react';
import { composeStories, composeStory, setProjectAnnotations } from '@storybook/react-vite';
import preview from '../../.storybook/preview';

// The stories' own decorators, globals and parameters, as in Storybook.
setProjectAnnotations([preview]);

/**
 * Every story of a CSF module as a test: rendered in jsdom through portable
 * stories, with its play function (whose `expect`s are the assertions).
 * Storybook unmounts the previous story before the next one runs; after the
 * last one an empty story is run so the last real story is unmounted too
 * (its brokers, sessions and timers released) before jsdom is torn down.
 */
export function testStories(module: Parameters<typeof composeStories>[0]): void {
  const composed = composeStories(module);
  const entries = Object.entries(composed) as Array<[string, { run: () => Promise<void> }]>;
  if (entries.length === 0) throw new Error('testStories: the module exports no stories');
  for (const [name, story] of entries) {
    test(`${name} renders${'play' in story && story.play ? ' and its play function passes' : ''}`, async () => {
      await story.run();
    });
  }
  afterAll(async () => {
    await composeStory({ render: () => createElement(Fragment) }, { title: 'cleanup' }).run();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}
