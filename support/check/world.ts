import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { evidenceAttachment } from '../evidence.js';
import { FINDING_MEDIA_TYPE } from './checks.js';
import { contextById, type StudentContext } from './context.js';
import type { EncryptedObject, KeyFact, TrailFact } from './facts.js';

export interface CheckParameters {
  /** The student being checked (context.ts registry). */
  contextId: string;
}

/**
 * One check of one student. Registered only by `kms-lab check` (support/check/, not loaded by the lab's
 * profiles): the lab's features run with LabWorld, the instructor's checks with this one.
 */
export class CheckWorld extends World<CheckParameters> {
  /** What the Given steps found, for the Then steps. */
  key?: KeyFact;
  trail?: TrailFact;
  object?: EncryptedObject;

  constructor(options: IWorldOptions<CheckParameters>) {
    super(options);
  }

  /** The student being checked (looked up on use: a dry run has none). */
  get student(): StudentContext {
    return contextById(this.parameters?.contextId);
  }

  /** Redacted JSON evidence, attached to the check (and written to the student's evidence by the runner). */
  attachEvidence(label: string, data: unknown): void {
    const { json, fileName } = evidenceAttachment(label, data);
    this.attach(json, { mediaType: 'application/json', fileName });
  }

  /** One line of what the check saw, shown as the reason of its verdict. */
  finding(text: string): void {
    this.attach(text, { mediaType: FINDING_MEDIA_TYPE });
  }
}

setWorldConstructor(CheckWorld);
