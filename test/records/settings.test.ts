/** The records' settings, parsed once with the rest of the environment. */
import { readEnvironment } from '../../config/environment';

test('DATABASE_URL is a PostgreSQL URL or unset, and npm start serves its own beside Temporal', () => {
  expect(readEnvironment({}).DATABASE_URL).toBeUndefined();
  expect(readEnvironment({}).FOLLOWUP_RECORDS_PORT).toBe(7235);
  for (const url of ['postgres://followup:pw@db.solna.example/followup', 'postgresql://followup@db.solna.example:5432/followup?sslmode=require']) {
    expect(readEnvironment({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
  }
  expect(() => readEnvironment({ DATABASE_URL: 'mysql://db.solna.example/followup' })).toThrow('DATABASE_URL: must be a URL starting with postgres:// or postgresql://');
  expect(() => readEnvironment({ DATABASE_URL: `postgresql://db.solna.example/${'x'.repeat(2000)}` })).toThrow('DATABASE_URL');
  expect(() => readEnvironment({ FOLLOWUP_RECORDS_PORT: '70000' })).toThrow('FOLLOWUP_RECORDS_PORT');
});
