// @vitest-environment jsdom
import * as stories from '../../stories/ConnectionBanner.stories';
import { testStories } from './portable';

testStories(stories);
