/**
 * Every migration, by name, in the order they run (Kysely sorts the names). Listed here rather than
 * read from the folder, so the same list works from the sources, from dist/ and in tests. A new
 * migration: a file `NNNN_what.ts` with `up`, and its line below; never change a released one.
 */
import type { Migration } from 'kysely';
import * as records0001 from './0001_records';
import * as sessions0002 from './0002_sessions';
import * as cases0003 from './0003_cases';
import * as files0004 from './0004_files';
import * as retentionLog0005 from './0005_retention_log';
import * as accounts0006 from './0006_accounts';
import * as caseRuns0007 from './0007_case_runs';
import * as apiTokens0008 from './0008_api_tokens';
import * as webhooks0009 from './0009_webhooks';
import * as attachments0010 from './0010_attachments';
import * as goalsAttachments0011 from './0011_goals_attachments';
import * as people0012 from './0012_people';
import * as peopleRecords0013 from './0013_people_records';
import * as unitRows0014 from './0014_unit_rows';

export const RECORDS_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_records': records0001,
  '0002_sessions': sessions0002,
  '0003_cases': cases0003,
  '0004_files': files0004,
  '0005_retention_log': retentionLog0005,
  '0006_accounts': accounts0006,
  '0007_case_runs': caseRuns0007,
  '0008_api_tokens': apiTokens0008,
  '0009_webhooks': webhooks0009,
  '0010_attachments': attachments0010,
  '0011_goals_attachments': goalsAttachments0011,
  '0012_people': people0012,
  '0013_people_records': peopleRecords0013,
  '0014_unit_rows': unitRows0014,
});

/** The newest migration this release knows: the schema it was written for. */
export const LATEST_RECORDS_MIGRATION = Object.keys(RECORDS_MIGRATIONS).sort().at(-1)!;
