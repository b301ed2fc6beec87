import { storedUnitRow, unitRowAtStart, unitSearchAttributes } from '../../workflows/unit-row';
import type { UnitStatus } from '../../domain/types';

const plan = {
  opensAt: '2027-01-10T08:00:00.000Z',
  deadlineDate: '2027-02-15',
  deadlineAt: '2027-02-15T22:59:59.999Z',
  reminderTimes: ['2027-02-01T08:00:00.000Z'],
  escalationAt: '2027-02-16T08:00:00.000Z',
  closesAt: '2027-03-01T08:00:00.000Z',
};

const unit = (overrides: Partial<UnitStatus> = {}): UnitStatus => ({
  unitId: 'omsorg',
  state: 'requested',
  closed: false,
  plan,
  requestSentAt: undefined,
  remindersSentAt: [],
  escalatedAt: undefined,
  answer: undefined,
  draft: undefined,
  exempt: undefined,
  mailProblems: [],
  history: [],
  ...overrides,
});

test('the row a unit is started with is, to the byte, the row its first task would write', () => {
  const atStart = unitRowAtStart('omsorg', plan, Date.parse('2027-01-20T00:00:00Z'));
  expect(JSON.stringify(atStart)).toBe(JSON.stringify(storedUnitRow(unit(), { withClosed: false, cyclePlan: plan })));
  expect(atStart.state).toBe('requested');
  expect(unitRowAtStart('omsorg', plan, Date.parse('2027-01-01T00:00:00Z')).state).toBe('scheduled');
  expect(unitRowAtStart('omsorg', plan, Date.parse('2027-02-20T00:00:00Z')).state).toBe('late');
});

test("a started-with-row unit leaves out closed, and its plan while it is the cycle's; an extended plan is kept", () => {
  const row = storedUnitRow(unit({ closed: true, answer: { values: { a: 'text' }, answeredAt: '2027-01-21T10:00:00.000Z', by: 'contact', revision: 1 }, draft: { values: {}, savedAt: '2027-01-20T10:00:00.000Z' } }), { withClosed: false, cyclePlan: plan });
  expect(row).not.toHaveProperty('closed');
  expect(row).not.toHaveProperty('plan');
  expect(row).not.toHaveProperty('draft');
  expect(row.answer).toEqual({ answeredAt: '2027-01-21T10:00:00.000Z', by: 'contact', revision: 1 });
  const extended = { ...plan, deadlineDate: '2027-02-22', deadlineAt: '2027-02-22T22:59:59.999Z' };
  expect(storedUnitRow(unit({ plan: extended }), { withClosed: false, cyclePlan: plan }).plan).toEqual(extended);
  // Units from before keep writing the row they always wrote.
  expect(storedUnitRow(unit({ closed: true }), { withClosed: true })).toMatchObject({ closed: true, plan });
});

test('a unit whose mail bounced is filtered as bounced, not as awaiting its answer', () => {
  const attributes = unitSearchAttributes({ orgId: 'solna', obligationId: 'data', period: '2027' }, 'omsorg', { state: 'requested', mailProblems: [{ kind: 'request', sequence: 1, at: plan.opensAt, error: '550', state: 'refused' }] });
  expect(Object.fromEntries(attributes.map((p) => [p.key.name, p.value]))).toEqual({
    FollowupOrg: 'solna',
    FollowupObligation: 'data',
    FollowupPeriod: '2027',
    FollowupCycle: 'cycle/solna/data/2027',
    FollowupUnit: 'omsorg',
    FollowupState: 'bounced',
  });
});
