// @vitest-environment jsdom
import * as stories from '../../stories/ChatRoom.stories';
import { testStories } from './portable';

testStories(stories);
