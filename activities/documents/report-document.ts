/**
 * The compiled follow-up as blocks, in the order and with the headings of the HTML report: the
 * summary, the registered projects, the answers question by question, then unit by unit.
 */
import { lines } from '../../domain/text';
import { formatCount, pluralWord } from '../../domain/wording';
import type { buildReportContext } from '../report';
import type { Block, ReportDocument, Run } from './document-model';

type ReportContext = ReturnType<typeof buildReportContext>;

const joined = (items: string[], none: string) => (items.length ? items.join(', ') : none);

function summaryBlocks(c: ReportContext): Block[] {
  const { labels, summary } = c;
  const n = (count: number) => formatCount(c.language, count);
  const answered: Run[] = [
    { text: `${labels.answered}: ` },
    { text: n(summary.answered), strong: true },
    { text: ` / ${n(summary.asked)} (${summary.rate}; ${n(summary.onTime)} ${labels.onTime}, ${n(summary.late)} ${labels.late})` },
  ];
  if (summary.previous) answered.push({ text: ` · ${labels.previousPeriod} ${summary.previous.period}: ${n(summary.previous.answered)} / ${n(summary.previous.asked)} (${summary.previous.rate})` });
  const items: Run[][] = [
    answered,
    [{ text: `${labels.missing}: ` }, { text: joined(summary.missing, labels.none), strong: summary.missing.length > 0 }],
    [{ text: `${labels.exempt}: ${joined(summary.exempt, labels.none)}` }],
  ];
  if (summary.bounced.length) items.push([{ text: `${labels.bounced}: ` }, { text: summary.bounced.map((b) => `${b.address} (${b.unit}, ${b.kind})`).join('; '), strong: true }]);
  if (summary.undelivered.length) items.push([{ text: `${labels.reportUndelivered}: ` }, { text: summary.undelivered.map((d) => (d.detail ? `${d.address} – ${d.detail}` : d.address)).join('; '), strong: true }]);
  for (const line of c.compliance?.lines ?? []) items.push([{ text: `${line.label}: ` }, { text: line.value, strong: line.attention }]);
  return [{ kind: 'heading', level: 2, text: labels.summary }, { kind: 'list', items }];
}

function projectBlocks(c: ReportContext): Block[] {
  const compliance = c.compliance;
  if (!compliance?.projects.present) return [];
  const { labels, projects } = compliance;
  const line = (p: { title: string; unit: string; start: string; state?: string; partners: string }): Run[] => [
    { text: `${p.title} (${[p.unit, p.start, p.state].filter(Boolean).join(', ')})${p.partners ? ` – ${p.partners}` : ''}` },
  ];
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: labels.projects }];
  for (const [heading, list] of [
    [labels.euProjects, projects.eu],
    [labels.otherProjects, projects.other],
    [labels.applications, projects.applications.map((p) => ({ ...p, state: undefined }))],
  ] as const) {
    if (list.length) blocks.push({ kind: 'heading', level: 3, text: heading }, { kind: 'list', items: list.map(line) });
  }
  return blocks;
}

function questionBlocks(c: ReportContext): Block[] {
  const { labels, summary } = c;
  const answersCounted = (count: number) => `${formatCount(c.language, count)} ${pluralWord(c.language, count, labels.answerCounted, labels.answersCounted)}`;
  const previous = summary.previous;
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: labels.byQuestion }];
  for (const section of c.questions) {
    blocks.push({ kind: 'heading', level: 3, text: section.heading });
    for (const q of section.questions) {
      if (section.grouped) blocks.push({ kind: 'heading', level: 4, text: q.label });
      if (q.tally) {
        blocks.push({
          kind: 'table',
          caption: `${labels.tallyCaption} (${answersCounted(q.tally.total)})`,
          columns: [labels.option, labels.count, labels.share, ...(previous ? [`${labels.previousPeriod} ${previous.period}`] : [])],
          rows: q.tally.rows.map((r) => ({ head: r.label, cells: [formatCount(c.language, r.count), r.share, ...(previous ? [r.previous ?? '–'] : [])] })),
          numeric: [true, true, ...(previous ? [true] : [])],
        });
      }
      if (q.stats) blocks.push({ kind: 'paragraph', runs: [{ text: `${labels.total}: ` }, { text: q.stats.sum, strong: true }, { text: ` · ${labels.average}: ${q.stats.average} (${answersCounted(q.stats.count)})` }] });
      if (q.answers.length) {
        blocks.push({
          kind: 'table',
          columns: [labels.unit, labels.answer, ...(previous ? [`${labels.previousAnswer} ${previous.period}`] : [])],
          rows: q.answers.map((a) => ({ head: a.unit, cells: [typed(a.value ?? ''), ...(previous ? [typed(a.previous ?? '–')] : [])] })),
        });
      } else blocks.push({ kind: 'paragraph', quiet: true, runs: [{ text: labels.noAnswers }] });
    }
  }
  return blocks;
}

/**
 * What people typed, with its line breaks as the model has them ("\n"): a browser sends a text
 * area's lines with "\r\n", and text pasted from Word brings soft returns (vertical tab) and
 * Unicode's separators, which a PDF would otherwise draw as glyphs the font lacks.
 */
const typed = (text: string): string => lines(text).join('\n');

function unitBlocks(c: ReportContext): Block[] {
  const { labels } = c;
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: labels.answers }];
  for (const u of c.units) {
    blocks.push({ kind: 'heading', level: 3, text: u.name });
    if (u.answered) {
      const meta = `${labels.answeredAt} ${u.answeredAt}${u.late ? ` (${labels.late})` : ''} · ${labels.by} ${u.by}${u.revision ? ` · ${labels.revision} ${u.revision}` : ''}`;
      blocks.push({ kind: 'paragraph', quiet: true, runs: [{ text: meta }] });
      let fields: { label: string; value: string }[] = [];
      const flush = () => {
        if (fields.length) blocks.push({ kind: 'fields', items: fields });
        fields = [];
      };
      for (const row of u.rows) {
        if (row.heading) {
          flush();
          blocks.push({ kind: 'heading', level: 4, text: row.heading });
        }
        fields.push({ label: row.label, value: typed(row.value) });
      }
      flush();
    } else if (u.exempt) {
      blocks.push({ kind: 'paragraph', runs: [{ text: typed(`${labels.exempt}. ${labels.reason}: ${u.exempt.reason}`) }] });
    } else {
      blocks.push({ kind: 'paragraph', runs: [{ text: labels.notAnswered, strong: true }] });
      const meta = `${labels.deadline} ${u.deadline} · ${labels.reminders}: ${u.reminders}${u.escalatedAt ? ` · ${u.escalatedTo ?? labels.escalated} ${u.escalatedAt}` : ''}`;
      blocks.push({ kind: 'paragraph', quiet: true, runs: [{ text: meta }] });
    }
    if (u.mailProblems.length) blocks.push({ kind: 'paragraph', quiet: true, runs: [{ text: `${labels.mailProblems}: ${u.mailProblems.join('; ')}` }] });
  }
  return blocks;
}

export function reportDocument(c: ReportContext, compiledAtIso: string): ReportDocument {
  const title = `${c.title} ${c.period}`;
  return {
    language: c.language,
    title,
    author: c.org.name,
    subject: `${c.org.name}: ${title}`,
    createdAt: new Date(compiledAtIso),
    blocks: [
      { kind: 'heading', level: 1, text: title },
      { kind: 'paragraph', quiet: true, runs: [{ text: `${c.org.name} · ${c.labels.closedAt} ${c.closedAt} · ${c.labels.compiledAt} ${c.compiledAt}` }] },
      ...summaryBlocks(c),
      ...projectBlocks(c),
      ...questionBlocks(c),
      ...unitBlocks(c),
      { kind: 'paragraph', quiet: true, runs: [{ text: `${c.labels.source}: ${c.source}` }] },
    ],
  };
}
