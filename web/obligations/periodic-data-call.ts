/**
 * A data call on the overview: its latest cycle's response rate, units that are late, and a report
 * that did not go out; its own pages are the cycles' (web/pages/cycles.ts).
 */
import { cycleStatus, unitCounts } from '../../client/cycles';
import { countByState, SHOWN_STATES } from '../../domain/unit-states';
import { pluralText, responseText, text } from '../i18n';
import { cyclePages } from '../pages/cycles';
import type { WebKindModule } from './web-kind';

export const periodicDataCallWeb: WebKindModule<'periodic-data-call'> = {
  async overview({ kit, obligation, cycles, lang }) {
    const latest = cycles.filter((c) => c.key.obligationId === obligation.id).sort((a, b) => b.key.period.localeCompare(a.key.period))[0];
    if (!latest) return { url: '/dashboard#start-title', facts: [{ text: text(lang, 'ovNoCycle'), attention: false }] };
    const url = `/cycles/${obligation.id}/${latest.key.period}`;
    // A closed cycle as listed (its memo, or its record once its workflows are gone); an open one's
    // counts from the visibility store, however many units; a cycle from before it kept them is read whole.
    const listedClosed = !latest.running && latest.overview && latest.overview.phase !== 'open' ? latest.overview : undefined;
    const { info, counts: kept } = listedClosed ? { info: listedClosed, counts: undefined } : await unitCounts(kit.client, latest.key);
    if (!latest.running || info.phase !== 'open') {
      const report = info.report;
      const undelivered = (info.delivery ?? []).filter((d) => d.state === 'refused' || d.state === 'failed').length;
      return {
        url,
        facts: [
          { text: responseText(lang, 'ovCycleClosed', report?.answered ?? 0, report?.asked ?? 0, { period: latest.key.period }), attention: false },
          ...(info.reportProblem || undelivered ? [{ text: text(lang, 'ovReportNotDelivered'), attention: true }] : []),
        ],
      };
    }
    const counts = kept ?? countByState((await cycleStatus(kit.client, latest.key)).units);
    const answered = counts.answered;
    const exempt = counts.exempt;
    const asked = SHOWN_STATES.reduce((sum, s) => sum + counts[s], 0) - exempt;
    const late = counts.late + counts.escalated;
    const bounced = counts.bounced;
    return {
      url,
      facts: [
        { text: responseText(lang, 'ovCycleOpen', answered, asked, { period: latest.key.period }), attention: false },
        ...(late ? [{ text: pluralText(lang, 'ovUnitsLate', late, { n: late }), attention: true }] : []),
        ...(bounced ? [{ text: pluralText(lang, 'ovUnitsBounced', bounced, { n: bounced }), attention: true }] : []),
      ],
    };
  },
  pages: cyclePages,
};
