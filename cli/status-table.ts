/** The status of a cycle as the secretariat reads it in a terminal. */
import { formatDate } from '../domain/calendar';
import type { Language } from '../domain/types';
import { cycleClosing, shownState, STATE_LABELS } from '../domain/unit-states';
import type { CycleStatus } from '../client/cycles';
import type { OrganisationConfig } from '../config/schema';

const HEADINGS: Record<Language, string[]> = {
  sv: ['Enhet', 'Status', 'Sista dag', 'Svar', 'Påminnelser', 'Anmärkning'],
  en: ['Unit', 'State', 'Deadline', 'Answered', 'Reminders', 'Note'],
};

export function formatStatus(status: CycleStatus, config: OrganisationConfig): string {
  const language = config.organisation.language;
  const zone = config.organisation.timeZone;
  const order = new Map(config.units.map((u, i) => [u.id, i]));
  const byId = new Map(config.units.map((u) => [u.id, u]));
  const units = [...status.units].sort((a, b) => (order.get(a.unitId) ?? Infinity) - (order.get(b.unitId) ?? Infinity) || a.unitId.localeCompare(b.unitId));
  const rows = units.map((u) => {
    const unit = byId.get(u.unitId);
    return [
      unit ? `${unit.name[language]} (${u.unitId})` : u.unitId,
      // The ladder's step the unit is on, while it waits.
      `${STATE_LABELS[language][shownState(u)]}${u.escalationStep && shownState(u) === 'escalated' ? `, ${language === 'sv' ? 'steg' : 'step'} ${u.escalationStep}/${u.plan.escalationSteps?.length ?? u.escalationStep}` : ''}`,
      u.plan.deadlineDate,
      u.answer ? formatDate(u.answer.answeredAt, zone, language, true) : '',
      String(u.remindersSentAt.length),
      u.exempt?.reason ?? u.mailProblems.map((p) => (p.address ? `${p.address}: ${p.error}` : p.error)).join('; '),
    ];
  });
  const table = [HEADINGS[language], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const answered = status.units.filter((u) => u.state === 'answered').length;
  const asked = status.units.filter((u) => u.state !== 'exempt').length;
  const { info } = status;
  const phase = language === 'sv' ? { open: 'öppen', closing: 'stänger', closed: 'stängd' }[info.phase] : info.phase;
  // Once closed, when it did (the planned time only beside it, when the close came first) instead of the planned time.
  const closing = cycleClosing(info);
  const at = (iso: string) => formatDate(iso, zone, language, true);
  const closed = !closing
    ? undefined
    : language === 'sv'
      ? `stängd ${at(closing.at)}${closing.planned ? ` i förtid (planerat ${at(closing.planned)})` : ''}${info.phase === 'closing' ? ', rapporten sammanställs' : ''}`
      : `closed ${at(closing.at)}${closing.planned ? ` early (planned ${at(closing.planned)})` : ''}${info.phase === 'closing' ? ', the report is being compiled' : ''}`;
  const header =
    language === 'sv'
      ? `${info.key.obligationId} ${info.key.period}: ${closed ?? phase}, ${answered} av ${asked} har svarat` + (!closed && info.plan ? `, stänger ${at(info.plan.closesAt)}` : '')
      : `${info.key.obligationId} ${info.key.period}: ${closed ?? phase}, ${answered} of ${asked} answered` + (!closed && info.plan ? `, closes ${at(info.plan.closesAt)}` : '');
  const sv = language === 'sv';
  const notes: string[] = [];
  if (status.starting) {
    const total = info.unitCount ?? '…';
    notes.push(sv ? `Omgången startar fortfarande sina enheter: ${status.units.length} av ${total} är igång. Fråga igen om en stund.` : `The cycle is still starting its units: ${status.units.length} of ${total} are running. Ask again in a moment.`);
  }
  if (info.reportProblem) notes.push(`${sv ? 'Rapporten är inte sammanställd' : 'The report is not compiled'}: ${info.reportProblem}`);
  for (const d of info.delivery ?? []) {
    if (d.state === 'delivered') continue;
    const what = sv ? { refused: 'vägrades', failed: 'misslyckades', retrying: 'försöker igen' }[d.state] : { refused: 'refused', failed: 'failed', retrying: 'retrying' }[d.state];
    notes.push(`${sv ? 'Rapporten till' : 'Report to'} ${d.address}: ${what}${d.detail ? ` (${d.detail})` : ''}`);
  }
  const boardProblems = (info.boardDelivery ?? []).filter((d) => d.state !== 'delivered');
  for (const d of boardProblems) notes.push(`${sv ? 'Enhetens del till nämnden' : 'Unit part to its board'}, ${d.address}: ${d.state}${d.detail ? ` (${d.detail})` : ''}`);
  const boardsReached = info.boardDelivered ?? 0;
  if (boardsReached) notes.unshift(sv ? `Enheternas delar skickade till deras nämnder: ${boardsReached} mottagare.` : `Units' parts sent to their boards: ${boardsReached} recipients.`);
  if (notes.length && (info.reportProblem || (info.delivery ?? []).some((d) => d.state !== 'delivered'))) notes.push(sv ? `Rätta adressen eller mallen och kör: followup cycle redeliver ${info.key.obligationId} --period ${info.key.period}` : `Fix the address or template, then run: followup cycle redeliver ${info.key.obligationId} --period ${info.key.period}`);
  return [header, '', ...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
