// Cucumber profiles. `npm test` runs the default profile (embedded emulator); `kms-lab run` loads the `lab`
// profile and adds its own formats, target and tags. worldParameters reach every --parallel worker.
// `npx cucumber-js --parallel N` starts one emulator per worker (BeforeAll runs per worker); `kms-lab run`
// starts one and shares it. Other targets: KMS_LAB_TARGET=moto npx cucumber-js (or `kms-lab run --target`).
import { randomBytes } from 'node:crypto';

// Same shape as support/parameters.ts newRunId(); computed here, once, so that every worker shares it.
const runId = process.env.KMS_LAB_RUN_ID
  ?? `${new Date().toISOString().replace(/[-:]/g, '').slice(2, 13).toLowerCase()}-${randomBytes(2).toString('hex')}`;

const common = {
  // features/checks/ are read-only checks of someone else's account: `kms-lab check` runs them with its own World.
  paths: ['features/lab/**/*.feature'],
  // tsx-register MUST be first (toolchain.md §1.3); world and hooks pull in the rest of support/.
  import: ['support/tsx-register.mjs', 'support/world.ts', 'support/hooks.ts', 'steps/**/*.ts'],
  formatOptions: { junit: { suiteName: 'kms-lab' } },
  worldParameters: { target: process.env.KMS_LAB_TARGET ?? 'embedded', runId },
};

export default {
  ...common,
  format: [
    './support/formatters/lab-summary.mjs',
    'html:reports/cucumber.html',
    'junit:reports/cucumber.xml',
    'message:reports/cucumber.ndjson',
  ],
};

export const lab = { ...common };
