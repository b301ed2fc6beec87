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
