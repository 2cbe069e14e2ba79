import type { ManagedPolicy } from './model.js';

// A few AWS managed policies the lab and the instructor mode use. Documents as AWS publishes them
// (docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html).
function awsPolicy(name: string, document: object, description: string): [string, ManagedPolicy] {
  const arn = `arn:aws:iam::aws:policy/${name}`;
  const date = new Date('2015-02-06T18:39:46Z');
  return [arn, {
    arn, name, path: '/', policyId: `ANPA${name.toUpperCase().replace(/[^A-Z]/g, '').padEnd(17, 'X').slice(0, 17)}`,
    description, createDate: date, updateDate: date, defaultVersionId: 'v1', tags: [],
    versions: [{ versionId: 'v1', document: JSON.stringify(document), createDate: date, isDefaultVersion: true }],
  }];
}

export const AWS_MANAGED_POLICIES: ReadonlyMap<string, ManagedPolicy> = new Map([
  awsPolicy('AdministratorAccess',
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    'Provides full access to AWS services and resources.'),
]);
