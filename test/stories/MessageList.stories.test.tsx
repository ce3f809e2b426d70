// @vitest-environment jsdom
import * as stories from '../../stories/MessageList.stories';
import { testStories } from './portable';

testStories(stories);
