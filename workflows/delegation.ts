/**
 * The mail to a colleague a unit's contact handed the answer to, under the business key
 * delegation/<org>/<obligation>/<period>/<unit>/<delegation>: started by the web when the handing
 * over is on record, so the mail survives a restart and is retried until the server takes it. A
 * workflow of its own, so that the unit's workflow (and its recorded histories) stays as it is; the
 * unit's later mails reach the colleague because the activities read the delegations when they send.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DelegationMailInput } from '../activities/kinds/periodic-data-call';
import type { MailingResult } from '../domain/types';
import { mailRetry } from './retry';

// The activity retries itself while the server puts the mail off; Temporal retries it after that.
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });

export async function delegationMailWorkflow(input: DelegationMailInput): Promise<MailingResult> {
  return mail.sendDelegationMail(input);
}
