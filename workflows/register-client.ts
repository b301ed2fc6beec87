import * as wf from '@temporalio/workflow';
import { registerWorkflowId } from '../domain/registers';
import { registerEntrySignal, type RegisterEntry } from './definitions';

/**
 * Tells the organisation's register about a change. The register is started before any entity
 * that reports to it; should it be missing anyway, the entity goes on and says so in its log
 * rather than failing its own obligation over a listing.
 */
export async function tellRegister(orgId: string, entry: RegisterEntry): Promise<void> {
  try {
    await wf.getExternalWorkflowHandle(registerWorkflowId(orgId)).signal(registerEntrySignal, entry);
  } catch (err) {
    wf.log.warn('The register did not take the change', { orgId, kind: entry.kind, error: (err as Error).message });
  }
}
