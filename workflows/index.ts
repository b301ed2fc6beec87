// The worker's workflow bundle: every workflow type it runs.
export { cycleWorkflow } from './cycle';
export { unitWorkflow } from './unit';
