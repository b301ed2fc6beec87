/** The status of a cycle as the secretariat reads it in a terminal. */
import { formatDate } from '../domain/calendar';
import type { Language, UnitState, UnitStatus } from '../domain/types';
import type { CycleStatus } from '../client/cycles';
import type { OrganisationConfig } from '../config/schema';

const STATE_LABELS: Record<Language, Record<UnitState | 'bounced', string>> = {
  sv: { scheduled: 'ej öppnad', requested: 'väntar på svar', draft: 'utkast sparat', late: 'försenad', escalated: 'eskalerad', answered: 'besvarad', exempt: 'undantagen', bounced: 'e-post studsade' },
  en: { scheduled: 'not yet opened', requested: 'awaiting answer', draft: 'draft saved', late: 'late', escalated: 'escalated', answered: 'answered', exempt: 'exempt', bounced: 'mail bounced' },
};

const HEADINGS: Record<Language, string[]> = {
  sv: ['Enhet', 'Status', 'Sista dag', 'Svar', 'Påminnelser', 'Anmärkning'],
  en: ['Unit', 'State', 'Deadline', 'Answered', 'Reminders', 'Note'],
};

export function stateLabel(unit: UnitStatus, language: Language): string {
  const label = STATE_LABELS[language][unit.state];
  return unit.mailProblems.length > 0 && unit.state !== 'answered' ? `${label}, ${STATE_LABELS[language].bounced}` : label;
}

export function formatStatus(status: CycleStatus, config: OrganisationConfig): string {
  const language = config.organisation.language;
  const zone = config.organisation.timeZone;
  const rows = status.units.map((u) => {
    const unit = config.units.find((c) => c.id === u.unitId);
    return [
      unit ? `${unit.name[language]} (${u.unitId})` : u.unitId,
      stateLabel(u, language),
      u.plan.deadlineDate,
      u.answer ? formatDate(u.answer.answeredAt, zone, language, true) : '',
      String(u.remindersSentAt.length),
      u.exempt?.reason ?? u.mailProblems.map((p) => p.error).join('; '),
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
  const header =
    language === 'sv'
      ? `${info.key.obligationId} ${info.key.period}: ${phase}, ${answered} av ${asked} har svarat` + (info.setup ? `, stänger ${formatDate(info.setup.plan.closesAt, zone, language, true)}` : '')
      : `${info.key.obligationId} ${info.key.period}: ${phase}, ${answered} of ${asked} answered` + (info.setup ? `, closes ${formatDate(info.setup.plan.closesAt, zone, language, true)}` : '');
  return [header, '', ...lines].join('\n');
}
