/**
 * After an early close the status says what happened: when the cycle closed, and that the units
 * still kept as waiting did not answer (issue 30, point 9). The words, without a server.
 */
import type { CycleStatus } from '../../client/cycles';
import { formatStatus } from '../../cli/status-table';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import type { UnitRow } from '../../domain/types';
import { countByState, cycleClosing, shownCounts, shownState, shownStatesWhile, storedStatesOf } from '../../domain/unit-states';
import { SOLNA_CONFIG } from '../helpers/environment';

const plan = {
  opensAt: '2026-11-02T08:00:00.000Z',
  deadlineDate: '2026-12-15',
  deadlineAt: '2026-12-15T22:59:59.999Z',
  reminderTimes: ['2026-12-01T08:00:00.000Z'],
  escalationAt: '2026-12-16T08:00:00.000Z',
  closesAt: '2027-01-25T08:00:00.000Z',
};

const row = (unitId: string, overrides: Partial<UnitRow> = {}): UnitRow => ({ unitId, state: 'requested', closed: true, plan, remindersSentAt: [], mailProblems: [], ...overrides });

const units: UnitRow[] = [
  row('omsorg', { state: 'answered', answer: { answeredAt: '2026-11-20T09:30:00.000Z', by: 'contact', revision: 1 } }),
  row('barn-utbildning'),
  row('kultur-fritid', { state: 'draft' }),
  row('miljo-byggnad', { state: 'escalated', remindersSentAt: ['2026-12-01T08:00:00.000Z'] }),
  row('socialforvaltningen', { mailProblems: [{ kind: 'request', sequence: 1, at: plan.opensAt, error: '550 no such user', address: 'x@solna.example', state: 'refused' }] }),
  row('tekniska', { state: 'exempt', exempt: { reason: 'Ny förvaltning', at: '2026-11-05T10:00:00.000Z' } }),
];

// Closed on 7 December at 11:15 Stockholm time, seven weeks before its planned close.
const closedStatus = (phase: 'closing' | 'closed' = 'closed'): CycleStatus => ({
  info: { key: { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' }, phase, plan, closedAt: '2026-12-07T10:15:00.000Z' },
  units,
  starting: false,
});

test('a closed unit still kept as waiting did not answer; a bounced mail, an exemption and an answer keep theirs', () => {
  expect(Object.fromEntries(units.map((u) => [u.unitId, shownState(u)]))).toEqual({
    omsorg: 'answered',
    'barn-utbildning': 'unanswered',
    'kultur-fritid': 'unanswered',
    'miljo-byggnad': 'unanswered',
    socialforvaltningen: 'bounced',
    tekniska: 'exempt',
  });
  expect(shownState(row('omsorg', { closed: false }))).toBe('requested');
  // Closed before it opened: never asked, so not "did not answer".
  expect(shownState(row('omsorg', { state: 'scheduled' }))).toBe('scheduled');
  expect(countByState(units)).toMatchObject({ answered: 1, unanswered: 3, bounced: 1, exempt: 1, requested: 0, draft: 0, escalated: 0 });
});

test("the store's counts and filters read the same as the rows, by the cycle's phase", () => {
  const stored = { answered: 1, draft: 1, requested: 1, scheduled: 0, late: 2, escalated: 1, bounced: 1, exempt: 1 };
  expect(shownCounts(stored, false)).toEqual({ answered: 1, draft: 0, requested: 0, scheduled: 0, late: 0, escalated: 0, unanswered: 5, bounced: 1, exempt: 1 });
  expect(shownCounts(stored, true)).toEqual({ ...stored, unanswered: 0 });
  expect(storedStatesOf('unanswered', false)).toEqual(['draft', 'requested', 'late', 'escalated']);
  expect(storedStatesOf('unanswered', true)).toEqual([]);
  expect(storedStatesOf('requested', false)).toEqual([]);
  expect(storedStatesOf('bounced', false)).toEqual(['bounced']);
  expect(shownStatesWhile(false)).toEqual(['answered', 'scheduled', 'unanswered', 'bounced', 'exempt']);
  expect(shownStatesWhile(true)).not.toContain('unanswered');
});

test('a close is early only before the planned time, which is then given beside it', () => {
  expect(cycleClosing({ plan })).toBeUndefined();
  expect(cycleClosing({ plan, closedAt: '2026-12-07T10:15:00.000Z' })).toEqual({ at: '2026-12-07T10:15:00.000Z', early: true, planned: plan.closesAt });
  expect(cycleClosing({ plan, closedAt: plan.closesAt })).toEqual({ at: plan.closesAt, early: false });
});

test('`cycle status` of a cycle closed early heads with the actual close, in the organisation\'s zone and language', () => {
  const solna = loadConfigFile(SOLNA_CONFIG);
  const sv = formatStatus(closedStatus(), solna);
  expect(sv.split('\n')[0]).toBe('annual-follow-up 2026: stängd 7 december 2026 11:15 i förtid (planerat 25 januari 2027 09:00), 1 av 5 har svarat');
  expect(sv).toMatch(/Barn- och utbildningsförvaltningen \(barn-utbildning\)\s+har inte svarat/);
  expect(sv).toMatch(/Miljö- och byggnadsförvaltningen \(miljo-byggnad\)\s+har inte svarat\s+2026-12-15\s+1/);
  expect(sv).toMatch(/\(socialforvaltningen\)\s+e-post studsade/);
  expect(sv).not.toContain('väntar på svar');
  expect(sv).not.toContain('stänger');
  expect(formatStatus(closedStatus('closing'), solna).split('\n')[0]).toBe(
    'annual-follow-up 2026: stängd 7 december 2026 11:15 i förtid (planerat 25 januari 2027 09:00), rapporten sammanställs, 1 av 5 har svarat',
  );

  const english: OrganisationConfig = { ...solna, organisation: { ...solna.organisation, language: 'en', timeZone: 'Europe/London' } };
  const en = formatStatus(closedStatus(), english);
  expect(en.split('\n')[0]).toBe('annual-follow-up 2026: closed 7 December 2026 10:15 early (planned 25 January 2027 08:00), 1 of 5 answered');
  expect(en).toMatch(/Children and Education Department \(barn-utbildning\)\s+did not answer/);

  // Open, it still says when it is to close, and who it waits for.
  const open = formatStatus({ ...closedStatus(), info: { ...closedStatus().info, phase: 'open', closedAt: undefined }, units: units.map((u) => ({ ...u, closed: false })) }, solna);
  expect(open.split('\n')[0]).toBe('annual-follow-up 2026: öppen, 1 av 5 har svarat, stänger 25 januari 2027 09:00');
  expect(open).toMatch(/\(barn-utbildning\)\s+väntar på svar/);
});
