// @vitest-environment jsdom
import * as stories from '../../stories/TypingIndicator.stories';
import { testStories } from './portable';

testStories(stories);
