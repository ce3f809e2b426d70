// @vitest-environment jsdom
import * as stories from '../../stories/Message.stories';
import { testStories } from './portable';

testStories(stories);
