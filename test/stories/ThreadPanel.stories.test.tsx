// @vitest-environment jsdom
import * as stories from '../../stories/ThreadPanel.stories';
import { testStories } from './portable';

testStories(stories);
