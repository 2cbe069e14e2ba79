import { Command, CommanderError, Option } from 'commander';

interface ReportCommandOptions {
  out?: string;
  force?: boolean;
}

/** `kms-lab report <dir>`: renders the bundle's report.html again, from manifest.json and evidence/. */
export function reportCommand(): Command {
  return new Command('report')
    .description('Render the human report (report.html) of an evidence bundle again, from its manifest.json and evidence/.')
    .argument('<dir>', 'the bundle directory, e.g. reports/latest')
    .addOption(new Option('--out <file>', 'write the page here instead of <dir>/report.html'))
    .addOption(new Option('--force', 'overwrite <dir>/report.html even when the new rendering differs from the signed one (the bundle then no longer verifies)'))
    .addHelpText('after', `
The page is self-contained (no external assets, works offline, prints). Rendering is deterministic: the same
bundle and kms-lab version give the same bytes, so re-rendering an untouched bundle keeps it verifiable. A
different rendering (another kms-lab version) is not written over the signed report.html unless --force;
use --out to put it elsewhere.
Examples:
  kms-lab report reports/latest
  kms-lab report reports/261128t1603-9211 --out /tmp/run-report.html`)
    .action(async (dir: string, opts: ReportCommandOptions) => {
      const { rerenderReport } = await import('../support/report/rerender.js');
      const { verifyBundle } = await import('../support/bundle/index.js');
      const check = await verifyBundle(dir);
      const r = await rerenderReport(dir, opts);
      const say = (s: string) => process.stdout.write(`${s}\n`);
      if (!check.ok) say(`warning: ${dir} does not verify (${check.files.changed.length} changed, ${check.files.added.length} added, ${check.files.removed.length} removed, signature ${check.signature.ok ? 'OK' : 'NOT OK'}); run kms-lab verify ${dir} for details.`);
      for (const p of r.missingEvidence) say(`warning: evidence file ${p} is missing; the page says so where it belongs.`);
      if (!r.written) {
        process.stderr.write(`kms-lab: not written: the new rendering of ${r.out} differs from the signed one (another kms-lab version?), and overwriting it would make the bundle fail verification. Use --out <file>, or --force.\n`);
        throw new CommanderError(1, 'kms-lab.report.differs', '');
      }
      say(`${r.out} written${r.identicalToSigned ? ' (identical to the signed copy: the bundle still verifies)' : r.differsFromSigned ? ' (differs from the signed copy: the bundle no longer verifies)' : ''}.`);
    });
}
