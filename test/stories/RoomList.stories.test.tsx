// @vitest-environment jsdom
import * as stories from '../../stories/RoomList.stories';
import { testStories } from './portable';

testStories(stories);
