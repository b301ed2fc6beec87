// The worker's workflow bundle: every workflow type it runs.
export { cycleWorkflow } from './cycle';
export { unitWorkflow } from './unit';
export { registerWorkflow } from './register';
export { projectWorkflow } from './project';
export { agreementWorkflow } from './agreement';
export { revisionWorkflow } from './revision';
export { occurrencesWorkflow } from './occurrences';
export { scheduledStartWorkflow } from './scheduled-start';
export { eventWorkflow } from './event';
export { goalsWorkflow } from './goals';
export { webhookDeliveryWorkflow } from './webhook-delivery';
export { delegationMailWorkflow } from './delegation';

// The SDK keeps a stack for every promise a workflow makes (for the stack-trace query), each frame
// mapped through the bundle's source map: with V8's default of 10 frames that was a fifth of the
// time a unit's history takes to replay when the worker's cache no longer holds it (at a cycle's
// close, thousands of them). Five frames still name where a workflow waits and where an error
// came from; the SDK cuts its own frames off them anyway.
Error.stackTraceLimit = 5;
