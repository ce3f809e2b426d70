// @vitest-environment jsdom
import * as stories from '../../stories/MentionList.stories';
import { testStories } from './portable';

testStories(stories);
