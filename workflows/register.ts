/**
 * The register of one organisation: its projects, seminars, agreements, revisions and events, kept in a
 * long-running entity workflow. Durable like every workflow (nothing registered is lost when a
 * worker restarts), queried by the CLI and by the activities that compile reports. Projects,
 * agreements and revisions run in workflows of their own and tell the register when they change.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CASE_RECORD_PATCH } from './case-record';
import { refuse } from './refuse';
import { checkSeminar, checkSeminarChange, describeProblems, type RegisterContents, type SeminarChange, type SeminarRecord } from '../domain/registers';
import { editSeminarUpdate, registerContentsQuery, registerEntrySignal, registerSeminarUpdate, type RegisterInput } from './definitions';

// Keeps the history short: each registration is a few events, and a register lives for years.
const EVENTS_BEFORE_CONTINUE = 2_000;

// A seminar goes to the database of record however long it is away: tried until it is back.
const records = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });

export async function registerWorkflow(input: RegisterInput): Promise<void> {
  const contents: RegisterContents = input.contents ?? { orgId: input.orgId, projects: [], seminars: [], agreements: [], revisions: [] };
  // Each seminar on record (kind "seminar"), as registered and after each correction: the versions
  // written so far, and the seminars changed since. A register from before they were kept puts
  // every seminar it has on record at its next run.
  const seminarVersions: Record<string, number> = { ...(input.seminarVersions ?? {}) };
  const toRecord = new Set<string>();
  const keepSeminar = (id: string) => {
    if (wf.patched(CASE_RECORD_PATCH)) toRecord.add(id);
  };
  for (const s of contents.seminars) if (seminarVersions[s.id] === undefined) keepSeminar(s.id);
  const recordSeminars = async () => {
    while (toRecord.size > 0) {
      const [id] = toRecord;
      toRecord.delete(id!);
      const seminar = contents.seminars.find((s) => s.id === id);
      if (!seminar) continue;
      const version = (seminarVersions[seminar.id] ?? 0) + 1;
      seminarVersions[seminar.id] = version;
      await records.recordCase({ org: input.orgId, kind: 'seminar', caseId: seminar.id, version, title: seminar.title, year: Number(seminar.date.slice(0, 4)), state: { ...seminar }, at: new Date().toISOString() });
    }
  };

  wf.setHandler(registerContentsQuery, () => contents);
  wf.setHandler(
    registerSeminarUpdate,
    (registration) => {
      const record: SeminarRecord = {
        ...registration,
        id: `${registration.date}-${contents.seminars.length + 1}`,
        registeredAt: new Date().toISOString(),
      };
      contents.seminars.push(record);
      keepSeminar(record.id);
      return record;
    },
    {
      validator: (registration) => {
        const problems = checkSeminar(registration);
        if (problems.length) refuse('InvalidRegistration', 'en', { problems: describeProblems(problems) });
      },
    },
  );
  wf.setHandler(
    editSeminarUpdate,
    ({ id, change, by }) => {
      const at = contents.seminars.findIndex((s) => s.id === id);
      contents.seminars[at] = { ...contents.seminars[at]!, ...change, editedAt: new Date().toISOString(), ...(by ? { editedBy: by } : {}) };
      keepSeminar(id);
      return contents.seminars[at]!;
    },
    {
      validator: ({ id, change }: { id: string; change: SeminarChange; by?: string }) => {
        const current = contents.seminars.find((s) => s.id === id);
        if (!current) refuse('InvalidRegistration', 'en', { problems: `id: no seminar "${id}" in the register` });
        const problems = checkSeminarChange(current, change);
        if (problems.length) refuse('InvalidRegistration', 'en', { problems: describeProblems(problems) });
      },
    },
  );
  wf.setHandler(registerEntrySignal, (entry) => {
    const upsert = <T>(list: T[], same: (item: T) => boolean, item: T) => {
      const at = list.findIndex(same);
      if (at >= 0) list[at] = item;
      else list.push(item);
    };
    if (entry.kind === 'project') upsert(contents.projects, (p) => p.id === entry.summary.id, entry.summary);
    else if (entry.kind === 'agreement') upsert(contents.agreements, (a) => a.id === entry.summary.id, entry.summary);
    else if (entry.kind === 'event') upsert((contents.events ??= []), (e) => e.id === entry.summary.id, entry.summary);
    else if (entry.kind === 'goals') upsert((contents.goals ??= []), (g) => g.obligationId === entry.summary.obligationId && g.year === entry.summary.year, entry.summary);
    else upsert(contents.revisions, (r) => r.obligationId === entry.summary.obligationId && r.periodId === entry.summary.periodId, entry.summary);
  });

  const continueSuggested = () => wf.workflowInfo().continueAsNewSuggested || wf.workflowInfo().historyLength > EVENTS_BEFORE_CONTINUE;
  for (;;) {
    await wf.condition(() => toRecord.size > 0 || continueSuggested());
    if (toRecord.size === 0) break;
    await recordSeminars();
  }
  await wf.condition(wf.allHandlersFinished);
  await recordSeminars();
  await wf.continueAsNew<typeof registerWorkflow>({ orgId: input.orgId, contents, ...(Object.keys(seminarVersions).length ? { seminarVersions } : {}) });
}
