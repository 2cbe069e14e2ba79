import { mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface ReportPaths {
  dir: string;
  html: string;
  junit: string;
  messages: string;
}

/** reports/<run-id>/: cucumber's HTML, JUnit XML and messages NDJSON. */
export async function prepareReportDir(root: string, runId: string): Promise<ReportPaths> {
  const dir = join(root, runId);
  await mkdir(dir, { recursive: true });
  return { dir, html: join(dir, 'cucumber.html'), junit: join(dir, 'cucumber.xml'), messages: join(dir, 'cucumber.ndjson') };
}

/** reports/latest → <run-id>, relative so the reports folder can be moved or archived whole. */
export async function pointLatestAt(root: string, runId: string): Promise<string> {
  const link = join(root, 'latest');
  try {
    await readlink(link);
    await rm(link, { force: true });
  } catch {
    // No previous link (or a plain file/folder a user put there, which rm below would not remove: leave it).
    await rm(link, { force: true }).catch(() => {});
  }
  await symlink(runId, link, 'dir');
  return resolve(link);
}
