/**
 * A graded check is a scenario of features/checks tagged with its id and its points:
 *
 *   @check:key @points:10
 *   Scenario: A customer managed key with the alias myFirstKey, enabled
 *
 * Scenarios without both tags are not graded (kms-lab check skips them), so other read-only features can
 * live beside the instructor's checks.
 */
export interface CheckDefinition {
  id: string;
  title: string;
  points: number;
  /** The feature file, relative to the repository or as given. */
  uri: string;
  /** The feature's name, for grouping columns. */
  feature?: string;
}

const CHECK_TAG = /^@check:([a-z0-9][a-z0-9._-]*)$/i;
const POINTS_TAG = /^@points:(\d+(?:\.\d+)?)$/;

/** id and points from a scenario's tags; undefined when it is not a graded check. */
export function checkTags(tags: readonly { name: string }[]): { id: string; points: number } | undefined {
  let id: string | undefined;
  let points: number | undefined;
  for (const { name } of tags) {
    const c = CHECK_TAG.exec(name);
    if (c) id = c[1];
    const p = POINTS_TAG.exec(name);
    if (p) points = Number(p[1]);
  }
  return id !== undefined && points !== undefined ? { id, points } : undefined;
}

/** Media types of the attachments a check's steps make besides JSON evidence. */
export const FINDING_MEDIA_TYPE = 'text/x.kms-lab.finding';
