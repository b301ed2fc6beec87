/**
 * The obligation kinds, one module each. Adding a kind means adding its file here (and its
 * workflow, client, CLI and web files), not editing the code that loops over the kinds.
 */
import type { ObligationKind } from '../../config/schema';
import type { KindModule } from './kind-module';
import { periodicDataCall } from './periodic-data-call';
import { gateBeforeStart } from './gate-before-start';
import { expiryReview } from './expiry-review';
import { revision } from './revision';
import { minimumOccurrences } from './minimum-occurrences';
import { eventNotices } from './event-notices';
import { yearlyGoals } from './yearly-goals';

export type { ComplianceLine, KindModule, ObligationOf, PreviewNote, ScheduledRun } from './kind-module';

// Built on first use: the kinds' modules import code (the report's compliance summary) that
// loops over the kinds, so the table cannot be read while they are still loading.
let modules: { [K in ObligationKind]: KindModule<K> } | undefined;

/** The module of an obligation's kind, typed for that obligation. */
export function kindOf<K extends ObligationKind>(obligation: { kind: K }): KindModule<K> {
  modules ??= {
    'periodic-data-call': periodicDataCall,
    'gate-before-start': gateBeforeStart,
    'expiry-review': expiryReview,
    revision,
    'minimum-occurrences': minimumOccurrences,
    'event-notices': eventNotices,
    'yearly-goals': yearlyGoals,
  };
  return modules![obligation.kind] as KindModule<K>;
}
