/**
 * The escalation ladder's plan: each step at its offset from the deadline (on a working day, at the
 * send time), spread per unit inside its own window and never into the next step or past the close;
 * without a ladder the plan is today's single escalation. And the config check of a ladder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { parse, stringify } from 'yaml';
import { runCli } from '../../cli/program';
import { PROJECT_ROOT } from '../../config/environment';
import { planCycle, type CycleCalendar } from '../../domain/calendar';
import { describeRecipients, ladderOrderProblems, planDataCall, replanDataCall, stepPeople, type LadderStep } from '../../domain/escalation';
import { unitStepTimes, unitTimes } from '../../domain/spread';
import { yearEvents } from '../../domain/year-events';
import { loadConfigFile } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';

const zone = 'Europe/Stockholm';
const calendar: CycleCalendar = {
  sendTime: '09:00',
  opensAfterPeriodEnd: 'P14D',
  deadlineAfterPeriodEnd: 'P45D',
  closesAfterPeriodEnd: 'P2M',
  remindersBeforeDeadline: ['P14D', 'P7D', 'P2D'],
  escalationAfterDeadline: 'P3D',
  spreadOver: 'PT6H',
  workdayEnds: '16:00',
};
const ladder: LadderStep[] = [
  { after: 'P3D', to: ['contact'], template: 'reminder' },
  { after: 'P7D', to: ['head'], cc: ['secretariat'] },
  { after: 'P10D', to: ['role:director'], cc: ['secretariat'] },
];
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');

describe('the plan of a ladder', () => {
  test('each step on the working day at or after deadline + offset, at the send time, with a window of its own', () => {
    const plan = planDataCall({ calendar, period: 'annual', escalation: ladder }, '2026', zone);
    // Deadline Monday 15 February 2027; closes Monday 1 March.
    expect(plan.deadlineDate).toBe('2027-02-15');
    expect(plan.escalationSteps!.map((s) => [local(s.at), local(s.until!)])).toEqual([
      ['Thu 2027-02-18 09:00', 'Thu 2027-02-18 15:00'],
      ['Mon 2027-02-22 09:00', 'Mon 2027-02-22 15:00'],
      ['Thu 2027-02-25 09:00', 'Thu 2027-02-25 15:00'],
    ]);
    // The first step is the plan's escalation: what the year, the state and the close check read.
    expect(plan.escalationAt).toBe(plan.escalationSteps![0]!.at);
    expect(plan.spreadUntil!.escalation).toBe(plan.escalationSteps![0]!.until);
  });

  test('a step on a weekend moves to Monday; a window never reaches the next step, the working day\'s end or the close', () => {
    // Saturday 20 February → Monday 22nd.
    const [first] = planDataCall({ calendar, period: 'annual', escalation: [{ after: 'P5D', to: ['head'] }] }, '2026', zone).escalationSteps!;
    expect(local(first!.at)).toBe('Mon 2027-02-22 09:00');
    // Exact time (benchmarks): steps to the second, each window cut at the next step and at the close.
    const exact: CycleCalendar = { ...calendar, workingDays: false, opensAfterPeriodEnd: 'PT1S', deadlineAfterPeriodEnd: 'PT60S', closesAfterPeriodEnd: 'PT100S', spreadOver: 'PT20S', escalationAfterDeadline: 'PT5S' };
    const plan = planDataCall({ calendar: exact, period: 'annual', escalation: [{ after: 'PT5S', to: ['contact'] }, { after: 'PT15S', to: ['head'] }, { after: 'PT35S', to: ['role:director'] }] }, '2026', zone);
    const seconds = (iso: string) => (Date.parse(iso) - Date.parse(plan.deadlineAt)) / 1000;
    expect(plan.escalationSteps!.map((s) => [seconds(s.at), seconds(s.until!)])).toEqual([
      [5, 15],
      [15, 35],
      [35, 39.999],
    ]);
  });

  test('without a ladder the plan is the single escalation, as before', () => {
    const plain = planDataCall({ calendar, period: 'annual' }, '2026', zone);
    expect(plain).toEqual(planCycle(calendar, 'annual', '2026', zone));
    expect(plain.escalationSteps).toBeUndefined();
    expect(unitStepTimes(plain, key, 'kultur-fritid')).toEqual([]);
  });

  test("each unit's moment in a step's window is its own and the same every time; a one-step ladder lands where the escalation did", () => {
    const plan = planDataCall({ calendar, period: 'annual', escalation: ladder }, '2026', zone);
    const units = Array.from({ length: 50 }, (_, i) => `enhet-${i}`);
    const moments = units.map((u) => unitStepTimes(plan, key, u));
    expect(units.map((u) => unitStepTimes(plan, key, u))).toEqual(moments);
    for (const own of moments) {
      own.forEach((at, i) => {
        const step = plan.escalationSteps![i]!;
        expect(at >= step.at && at < step.until!).toBe(true);
      });
    }
    expect(new Set(moments.map((m) => m[1])).size).toBeGreaterThan(40);
    const single = planDataCall({ calendar, period: 'annual', escalation: [{ after: 'P3D', to: ['head'] }] }, '2026', zone);
    const before = planCycle(calendar, 'annual', '2026', zone);
    expect(unitStepTimes(single, key, 'kultur-fritid')).toEqual([unitTimes(before, key, 'kultur-fritid').escalationAt]);
  });

  test('a moved deadline counts the ladder from the new day', () => {
    const plan = replanDataCall({ calendar, period: 'annual', escalation: ladder }, '2027-02-22', '2027-01-15T08:00:00.000Z', zone, '2027-03-01T08:00:00.000Z');
    expect(plan.escalationSteps!.map((s) => local(s.at))).toEqual(['Thu 2027-02-25 09:00', 'Mon 2027-03-01 09:00', 'Thu 2027-03-04 09:00']);
    // The second step is at the close: its window is empty (the workflow never reaches it).
    expect(plan.escalationSteps![1]!.until).toBe(plan.escalationSteps![1]!.at);
  });
});

test("the year shows each step the cycle reaches before it closes, where the single escalation was", () => {
  const solna = loadConfigFile(path.join(PROJECT_ROOT, 'config/examples/solna.yaml'));
  const before = yearEvents(solna, 2027).filter((e) => e.kind === 'escalation');
  const config = structuredClone(solna) as OrganisationConfig;
  obligationOf(config, 'periodic-data-call').escalation = [...ladder.map(({ to, cc, ...step }) => ({ ...step, to: [...to], ...(cc ? { cc: [...cc] } : {}) })), { after: 'P14D', to: ['head'] }];
  const steps = yearEvents(config, 2027).filter((e) => e.kind === 'escalation' && e.obligationId === 'annual-follow-up');
  // The fourth step (1 March, the closing day) is never sent, and not shown.
  expect(steps.map((e) => [e.localDate, e.label.sv])).toEqual([
    ['2027-02-18', 'Eskaleringssteg 1 av 3 för 2026: enheter som inte svarat'],
    ['2027-02-22', 'Eskaleringssteg 2 av 3 för 2026: enheter som inte svarat'],
    ['2027-02-25', 'Eskaleringssteg 3 av 3 för 2026: enheter som inte svarat'],
  ]);
  // The first step keeps the uid the single escalation had: a calendar feed updates its entry.
  expect(steps[0]!.uid).toBe(before.find((e) => e.obligationId === 'annual-follow-up')!.uid);
});

describe('whom a step reaches', () => {
  const person = (email: string) => ({ name: email.split('@')[0]!, email });
  const parties = {
    contacts: [person('anna@solna.example'), person('bo@solna.example')],
    head: person('chef@solna.example'),
    secretariat: person('sekretariat@solna.example'),
    role: (id: string) => (id === 'director' ? person('kd@solna.example') : undefined),
  };
  test('the contacts, the head, a role and the secretariat, once each, in the order named', () => {
    expect(stepPeople(['contact', 'head', 'role:director', 'secretariat', 'head'], parties).map((p) => p.email)).toEqual([
      'anna@solna.example',
      'bo@solna.example',
      'chef@solna.example',
      'kd@solna.example',
      'sekretariat@solna.example',
    ]);
    expect(describeRecipients(['head', 'role:director'], 'sv', (id) => (id === 'director' ? 'kommundirektören' : undefined))).toBe('förvaltningschefen, kommundirektören');
    expect(describeRecipients(['contact', 'secretariat'], 'en', () => undefined)).toBe('the contact person, the secretariat');
  });
});

describe('the config check of a ladder', () => {
  test('steps out of order are named with the offending step', () => {
    expect(ladderOrderProblems([{ after: 'P7D' }, { after: 'P3D' }, { after: 'P14D' }])).toEqual([
      { index: 1, message: 'step 2 (after P3D) must come later than step 1 (after P7D): list the steps in the order they are sent, each with a longer time after the deadline' },
    ]);
    expect(ladderOrderProblems([{ after: 'P1W' }, { after: 'P7D' }])).toHaveLength(1);
    expect(ladderOrderProblems(ladder)).toEqual([]);
  });

  /** The example as a plain YAML document, to change one part of. */
  type Doc = { obligations: Record<string, unknown>[]; roles?: unknown };
  async function check(change: (doc: Doc) => void) {
    const doc = parse(readFileSync(path.join(PROJECT_ROOT, 'config/examples/solna.yaml'), 'utf8')) as Doc;
    change(doc);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ladder-')), 'solna.yaml');
    writeFileSync(file, stringify(doc));
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['config', 'check', file], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const withLadder = (steps: unknown[], roles?: unknown) => (doc: Doc) => {
    doc.obligations[0]!.escalation = steps;
    if (roles) doc.roles = roles;
  };
  const director = { director: { name: { sv: 'Stadsdirektör', en: 'City manager' }, email: 'stadsdirektor@solna.example' } };

  test('config check accepts a ladder in order with its role', async () => {
    const result = await check(withLadder([{ after: 'P3D', to: ['contact'], template: 'reminder' }, { after: 'P7D', to: ['head'], cc: ['secretariat'] }, { after: 'P10D', to: ['role:director'] }], director));
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).not.toContain('escalation step');
  });

  test('config check notes a step that would come only when the cycle has closed', async () => {
    // Solna's deadline is about 15 February and its close about 1 March: 14 days after the deadline is the closing day.
    const result = await check(withLadder([{ after: 'P3D', to: ['contact'] }, { after: 'P14D', to: ['role:director'] }], director));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Note: annual-follow-up: escalation step 2 would come when the cycle of \d{4} has closed, and is not sent; make its "after" shorter or calendar.closesAfterPeriodEnd later\./);
  });

  test('config check rejects steps out of order, an unknown role and an unknown recipient, each with its path', async () => {
    const result = await check(withLadder([{ after: 'P7D', to: ['head'] }, { after: 'P3D', to: ['role:chair'] }, { after: 'P14D', to: ['boss'] }], director));
    expect(result.code).toBe(1);
    const problems = result.err.split('\n').slice(1).map((l) => l.replace(/ \(line \d+\)/, ''));
    expect(problems).toEqual(
      expect.arrayContaining([
        '  - obligations[0].escalation[1].after: step 2 (after P3D) must come later than step 1 (after P7D): list the steps in the order they are sent, each with a longer time after the deadline',
        '  - obligations[0].escalation[2].to[0]: must be contact, head, secretariat or role:<id> of a role in `roles` (e.g. role:director)',
        '  - obligations[0].escalation[1].to[0]: no role "chair" in roles (known: director)',
      ]),
    );
  });
});
