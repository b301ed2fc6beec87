/**
 * What each obligation kind contributes beside its activities, in one place per kind: the
 * templates it sends, its lines in a report's compliance summary, its schedule and its preview.
 * Code shared by the kinds loops over KIND_MODULES instead of switching on the kind.
 */
import type { ObligationConfig, ObligationKind, OrganisationConfig } from '../../config/schema';
import type { PeriodBounds } from '../../domain/calendar';
import type { RegisterContents } from '../../domain/registers';
import type { Language } from '../../domain/types';
import type { Activities } from '../index';
import type { RegisterReader } from '../register-reader';

export type ObligationOf<K extends ObligationKind> = Extract<ObligationConfig, { kind: K }>;

export interface ComplianceLine {
  label: string;
  value: string;
  /** true where the council should look: a requirement not met, something overdue. */
  attention: boolean;
}

export interface ScheduledRun {
  workflowType: 'cycleWorkflow' | 'occurrencesWorkflow' | 'revisionWorkflow' | 'goalsWorkflow';
  workflowId: string;
  args: unknown[];
}

/** Things a preview cannot show, said once in the organisation's language. */
export type PreviewNote = 'nobodyAnswers' | 'reportCounts' | 'registerBased' | 'occurrences' | 'eventBased' | 'gateProjects';

export interface KindModule<K extends ObligationKind> {
  /** The templates one obligation of the kind uses: mail templates by name, report templates by file. */
  templates(obligation: ObligationOf<K>): { mails: string[]; reports: string[] };
  /** Its lines in the compliance summary that opens a data call's report. */
  complianceLines?(args: { org: OrganisationConfig; obligation: ObligationOf<K>; register: RegisterContents; bounds: PeriodBounds; language: Language }): ComplianceLine[];
  /** Kinds with a schedule: when it fires and what a run starts. The others start when something is registered. */
  schedule?: {
    /** The runs from `now` on, and one already under way that sync should start. */
    runs(org: OrganisationConfig, obligation: ObligationOf<K>, now: Date, horizonYears: number): { runs: { label: string; at: string }[]; running?: string };
    /** What a run at `now` starts (now already has a minute's slack). */
    run(org: OrganisationConfig, obligation: ObligationOf<K>, now: Date): ScheduledRun;
    /** The period a start now would follow up: a preview's default. */
    currentPeriod(org: OrganisationConfig, obligation: ObligationOf<K>, now: Date): string;
  };
  /** Sends a period's mails through the activities (into a recording mailer); returns what it could not show. */
  preview?(args: {
    org: OrganisationConfig;
    obligation: ObligationOf<K>;
    period: string;
    now: Date;
    activities: Activities;
    registers: RegisterReader;
    record: (kind: string, run: () => Promise<unknown>) => Promise<void>;
  }): Promise<PreviewNote[]>;
}

/** Words of the compliance summary: the obligation's own (`reportLine` in its config) or the kind's. */
export function lineLabel(obligation: { reportLine?: { sv: string; en: string } }, language: Language, fallback: string): string {
  return obligation.reportLine?.[language] ?? fallback;
}
