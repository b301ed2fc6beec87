/**
 * The registers as sheets, in the workspace's words: the same columns whether the secretariat
 * exports a list from its page or an operator runs `followup <register> list --format xlsx`.
 */
import type { OrganisationConfig } from '../config/schema';
import type { AgreementSummary, EventSummary, ProjectSummary, SeminarRecord } from '../domain/registers';
import type { Language } from '../domain/types';
import { text, type TextKey } from '../web/i18n';
import { sheetName, type Sheet } from './workbook';

const word = (lang: Language, key: string) => text(lang, key as TextKey);
const yesNo = (lang: Language, value: boolean) => word(lang, value ? 'yes' : 'no');

function unitNameOf(config: OrganisationConfig, lang: Language) {
  const names = new Map(config.units.map((u) => [u.id, u.name[lang]]));
  return (id: string) => names.get(id) ?? id;
}

export function projectsSheet(projects: readonly ProjectSummary[], config: OrganisationConfig, lang: Language): Sheet {
  const unit = unitNameOf(config, lang);
  return {
    name: sheetName(word(lang, 'projectsTitle')),
    columns: [
      { header: word(lang, 'fieldId'), width: 28 },
      { header: word(lang, 'fieldTitle') },
      { header: word(lang, 'unit') },
      { header: word(lang, 'fieldPlannedStart'), kind: 'date' },
      { header: word(lang, 'fieldPlannedEnd'), kind: 'date' },
      { header: word(lang, 'state'), width: 18 },
      { header: word(lang, 'startedWithoutApproval'), width: 12 },
      { header: word(lang, 'fieldPartners') },
      { header: word(lang, 'fieldEuFunded'), width: 10 },
    ],
    rows: projects.map((p) => [p.id, p.title, unit(p.unitId), p.plannedStart, p.plannedEnd, word(lang, `project_${p.state}`), yesNo(lang, Boolean(p.startedWithoutApproval)), p.partners.join(', '), yesNo(lang, p.euFunded)]),
  };
}

export function seminarsSheet(seminars: readonly SeminarRecord[], config: OrganisationConfig, lang: Language): Sheet {
  const unit = unitNameOf(config, lang);
  return {
    name: sheetName(word(lang, 'seminarsTitle')),
    columns: [{ header: word(lang, 'fieldTitle') }, { header: word(lang, 'fieldDate'), kind: 'date' }, { header: word(lang, 'fieldPlace') }, { header: word(lang, 'fieldCountry'), width: 14 }, { header: word(lang, 'fieldRole'), width: 14 }, { header: word(lang, 'unit') }],
    rows: seminars.map((s) => [s.title, s.date, s.place, s.country, word(lang, `role_${s.role}`), unit(s.unitId)]),
  };
}

export function agreementsSheet(agreements: readonly AgreementSummary[], config: OrganisationConfig, lang: Language): Sheet {
  const unit = unitNameOf(config, lang);
  return {
    name: sheetName(word(lang, 'agreementsTitle')),
    columns: [{ header: word(lang, 'fieldId'), width: 28 }, { header: word(lang, 'fieldTitle') }, { header: word(lang, 'fieldPartner') }, { header: word(lang, 'unit') }, { header: word(lang, 'fieldEndsOn'), kind: 'date' }, { header: word(lang, 'state'), width: 18 }],
    rows: agreements.map((a) => [a.id, a.title, a.partner, unit(a.unitId), a.endsOn, word(lang, `agreement_${a.state}`)]),
  };
}

export function eventsSheet(events: readonly EventSummary[], config: OrganisationConfig, lang: Language): Sheet {
  const unit = unitNameOf(config, lang);
  return {
    name: sheetName(word(lang, 'eventsTitle')),
    columns: [{ header: word(lang, 'fieldId'), width: 28 }, { header: word(lang, 'fieldTitle') }, { header: word(lang, 'fieldDate'), kind: 'date' }, { header: word(lang, 'fieldPlace') }, { header: word(lang, 'unit') }, { header: word(lang, 'state'), width: 18 }, { header: word(lang, 'noticesSent'), kind: 'number' }],
    rows: events.map((e) => [e.id, e.title, e.date, e.place, unit(e.unitId), word(lang, `event_${e.state}`), e.noticesSent]),
  };
}
