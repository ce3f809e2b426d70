// @vitest-environment jsdom
import * as stories from '../../stories/Attachments.stories';
import { testStories } from './portable';

testStories(stories);
