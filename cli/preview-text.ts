/** A preview as the terminal shows it: each mail with its time, recipient and text, or one line each. */
import type { Preview } from '../preview/mails';

export function formatPreview(preview: Preview, summary: boolean): string {
  const lines: string[] = [`${preview.obligationId} ${preview.period}: ${preview.mails.length} mails`];
  for (const window of preview.spread ?? []) lines.push(window.text);
  for (const mail of preview.mails) {
    // Where the people set in the web change whom a mail goes to, the line says so.
    const marks = [...(mail.setInWeb ? ['set in the web, overrides the config'] : []), ...(mail.substituteFor ? [`substitute for ${mail.substituteFor}`] : [])].map((m) => ` (${m})`).join('');
    const to = `${mail.copyOf ? `${mail.to} (cc of ${mail.copyOf})` : mail.to}${marks}`;
    if (summary) {
      lines.push(`${mail.localTime}  ${mail.kind.padEnd(17)}  ${to}  ${mail.subject}${mail.ownTemplate ? `  (own template: ${mail.ownTemplate})` : ''}`);
      continue;
    }
    lines.push('', `── ${mail.localTime} · ${mail.kind} · ${to}`);
    if (mail.ownTemplate) lines.push(`(own template: ${mail.ownTemplate})`);
    lines.push(`Subject: ${mail.subject}`);
    if (mail.attachments.length) lines.push(`Attachments: ${mail.attachments.join(', ')}`);
    lines.push('', mail.text.trimEnd());
  }
  for (const note of preview.notes) lines.push('', `Note: ${note}`);
  return lines.join('\n');
}
