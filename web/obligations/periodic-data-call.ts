/**
 * A data call on the overview: its latest cycle's response rate, units that are late, and a report
 * that did not go out; its own pages are the cycles' (web/pages/cycles.ts).
 */
import { cycleStatus } from '../../client/cycles';
import { displayState } from '../../domain/unit-states';
import { text } from '../i18n';
import { cyclePages } from '../pages/cycles';
import type { WebKindModule } from './web-kind';

export const periodicDataCallWeb: WebKindModule<'periodic-data-call'> = {
  async overview({ kit, obligation, cycles, lang }) {
    const latest = cycles.filter((c) => c.key.obligationId === obligation.id).sort((a, b) => b.key.period.localeCompare(a.key.period))[0];
    if (!latest) return { url: '/dashboard#start-title', facts: [{ text: text(lang, 'ovNoCycle'), attention: false }] };
    const url = `/cycles/${obligation.id}/${latest.key.period}`;
    const status = await cycleStatus(kit.client, latest.key, { unitsToo: latest.running });
    if (!latest.running || status.info.phase !== 'open') {
      const report = status.info.report;
      const undelivered = (status.info.delivery ?? []).filter((d) => d.state === 'refused' || d.state === 'failed').length;
      return {
        url,
        facts: [
          { text: text(lang, 'ovCycleClosed', { period: latest.key.period, answered: report?.answered ?? 0, asked: report?.asked ?? 0 }), attention: false },
          ...(status.info.reportProblem || undelivered ? [{ text: text(lang, 'ovReportNotDelivered'), attention: true }] : []),
        ],
      };
    }
    const states = status.units.map(displayState);
    const answered = states.filter((s) => s === 'answered').length;
    const exempt = states.filter((s) => s === 'exempt').length;
    const asked = states.length - exempt;
    const late = states.filter((s) => s === 'late' || s === 'escalated').length;
    const bounced = states.filter((s) => s === 'bounced').length;
    return {
      url,
      facts: [
        { text: text(lang, 'ovCycleOpen', { period: latest.key.period, answered, asked, percent: asked ? Math.round((answered / asked) * 100) : 0 }), attention: false },
        ...(late ? [{ text: text(lang, 'ovUnitsLate', { n: late }), attention: true }] : []),
        ...(bounced ? [{ text: text(lang, 'ovUnitsBounced', { n: bounced }), attention: true }] : []),
      ],
    };
  },
  pages: cyclePages,
};
