// The stdout formatter of each student's Cucumber run in `kms-lab check`: nothing. The runner collects the
// message stream itself (support/check/collect.ts) and writes each student's cucumber.ndjson; Cucumber's own
// summary of 30 runs would only cost time. Plain .mjs, as Cucumber loads formatters by path.
import { Formatter } from '@cucumber/cucumber';

export default class QuietFormatter extends Formatter {
  static documentation = 'writes nothing: kms-lab check reads the messages itself';
}
