// @vitest-environment jsdom
import * as stories from '../../stories/Ticker.stories';
import { testStories } from './portable';

testStories(stories);
