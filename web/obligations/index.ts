/** Each obligation kind's web module, by kind: the overview and app.ts loop over these. */
import type { ObligationConfig, ObligationKind } from '../../config/schema';
import { periodicDataCallWeb } from './periodic-data-call';
import { eventNoticesWeb } from './event-notices';
import { expiryReviewWeb } from './expiry-review';
import { gateBeforeStartWeb } from './gate-before-start';
import { minimumOccurrencesWeb } from './minimum-occurrences';
import { revisionWeb } from './revision';
import { yearlyGoalsWeb } from './yearly-goals';
import type { OverviewArgs, OverviewEntry, WebKindModule } from './web-kind';

export const WEB_KINDS: { [K in ObligationKind]: WebKindModule<K> } = {
  'periodic-data-call': periodicDataCallWeb,
  'gate-before-start': gateBeforeStartWeb,
  'expiry-review': expiryReviewWeb,
  revision: revisionWeb,
  'minimum-occurrences': minimumOccurrencesWeb,
  'event-notices': eventNoticesWeb,
  'yearly-goals': yearlyGoalsWeb,
};

export function overviewOf(obligation: ObligationConfig, args: Omit<OverviewArgs<ObligationKind>, 'obligation'>): Promise<OverviewEntry> | OverviewEntry {
  const module = WEB_KINDS[obligation.kind] as WebKindModule<ObligationKind>;
  return module.overview({ ...args, obligation } as OverviewArgs<ObligationKind>);
}
