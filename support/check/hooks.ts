import { Before, setDefaultTimeout } from '@cucumber/cucumber';
import { checkTags } from './checks.js';

/** Reading a large trail bucket on AWS takes a while; a check that hangs still ends (and is "cannot tell"). */
setDefaultTimeout(10 * 60 * 1000);

/** Only graded checks run: a scenario without @check:<id> and @points:<n> is skipped. */
Before({ name: 'only graded checks run' }, function ({ pickle }) {
  return checkTags(pickle.tags) ? undefined : 'skipped';
});
