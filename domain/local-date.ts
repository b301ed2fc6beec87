/**
 * The date of an instant in the organisation's zone, for workflows: they may not load luxon, and
 * Intl is deterministic in the workflow sandbox (it reads no clock, only the instant it is given).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of `instant` in `timeZone`; in UTC without a zone (units started before they were given one). */
export function localDate(instant: Date, timeZone: string | undefined): string {
  if (!timeZone) return instant.toISOString().slice(0, 10);
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, format);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => format.formatToParts(instant).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
