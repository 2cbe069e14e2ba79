/** IAM policy evaluation shared by every emulated service. */
export { evaluate } from './evaluate.js';
export { accessDeniedMessage } from './message.js';
export type { MessageOptions } from './message.js';
export { parsePolicy, validatePolicy } from './validate.js';
export type { PolicyKind, PolicyProblem, ValidateOptions } from './validate.js';
export { buildContext, principalKeys } from './context.js';
export type { RequestContext } from './context.js';
export { OPERATOR_NAMES } from './operators.js';
export type * from './types.js';
