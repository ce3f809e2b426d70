// @vitest-environment jsdom
import * as stories from '../../stories/Composer.stories';
import { testStories } from './portable';

testStories(stories);
