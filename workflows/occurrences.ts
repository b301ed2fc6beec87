/**
 * A minimum number of occurrences in a year (at least one international seminar as organiser or
 * co-organiser): at each checkpoint, while the register counts too few, the secretariat and the
 * committee are warned; after the year the result, met or not with the list, goes to the council.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { occurrencesStatusQuery, type OccurrencesInput, type OccurrencesResult } from './definitions';
import { archiveRetry, mailRetry, planningRetry } from './retry';

const planning = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: planningRetry });
const archive = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: archiveRetry });
const mail = wf.proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: mailRetry });

export async function occurrencesWorkflow(input: OccurrencesInput): Promise<OccurrencesResult> {
  const { orgId, obligationId, year } = input;
  const plan = await planning.planOccurrenceYear({ orgId, obligationId, year });
  const result: OccurrencesResult = { orgId, obligationId, year, counted: 0, minimum: plan.minimum, met: false, warningsSent: 0 };
  wf.setHandler(occurrencesStatusQuery, () => result);

  for (const [index, at] of plan.checkpoints.entries()) {
    if (Date.parse(at) < Date.now() - 24 * 3600_000) continue; // a checkpoint long past (started late) is not warned about
    if (Date.now() < Date.parse(at)) await wf.sleep(Date.parse(at) - Date.now());
    const check = await mail.warnIfShort({ orgId, obligationId, year, checkpoint: index + 1, at: new Date().toISOString() });
    result.counted = check.counted;
    if (check.warned) result.warningsSent++;
  }
  if (Date.now() < Date.parse(plan.resultAt)) await wf.sleep(Date.parse(plan.resultAt) - Date.now());
  const report = await archive.compileOccurrencesReport({ orgId, obligationId, year, at: new Date().toISOString() });
  Object.assign(result, { counted: report.counted, met: report.met, report: { html: report.html, markdown: report.markdown, pdf: report.pdf, docx: report.docx } });
  await mail.deliverOccurrencesReport({ orgId, obligationId, year, at: new Date().toISOString(), report });
  return result;
}
