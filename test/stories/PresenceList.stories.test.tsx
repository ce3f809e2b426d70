// @vitest-environment jsdom
import * as stories from '../../stories/PresenceList.stories';
import { testStories } from './portable';

testStories(stories);
