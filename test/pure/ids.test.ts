import { cycleWorkflowId, mailMessageId, unitWorkflowId } from '../../domain/ids';

const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };

test('workflow ids are business keys', () => {
  expect(cycleWorkflowId(key)).toBe('cycle/solna/annual-follow-up/2026');
  expect(unitWorkflowId(key, 'kultur-fritid')).toBe('cycle/solna/annual-follow-up/2026/unit/kultur-fritid');
  expect(cycleWorkflowId({ ...key, period: '2026-T1' })).toBe('cycle/solna/annual-follow-up/2026-T1');
});

test('keys that could smuggle in other text are refused with an example of a good one', () => {
  expect(() => cycleWorkflowId({ ...key, orgId: 'Solna Stad' })).toThrow('organisation "Solna Stad" must be lower-case letters, digits and dashes');
  expect(() => cycleWorkflowId({ ...key, period: '2026/../x' })).toThrow(/period/);
  expect(() => unitWorkflowId(key, 'anna@solna.example')).toThrow(/unit/);
});

test('the Message-ID of a mail is the same every time it is sent', () => {
  const id = mailMessageId(key, 'omsorg.abc', 'reminder', 2, 'solna.example');
  expect(id).toBe('<solna.annual-follow-up.2026.omsorg.abc.reminder.2@solna.example>');
  expect(mailMessageId(key, 'omsorg.abc', 'reminder', 2, 'solna.example')).toBe(id);
});
