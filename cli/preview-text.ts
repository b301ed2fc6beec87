/** A preview as the terminal shows it: each mail with its time, recipient and text, or one line each. */
import type { Preview } from '../preview/mails';

export function formatPreview(preview: Preview, summary: boolean): string {
  const lines: string[] = [`${preview.obligationId} ${preview.period}: ${preview.mails.length} mails`];
  for (const window of preview.spread ?? []) lines.push(window.text);
  for (const mail of preview.mails) {
    const to = mail.copyOf ? `${mail.to} (cc of ${mail.copyOf})` : mail.to;
    if (summary) {
      lines.push(`${mail.localTime}  ${mail.kind.padEnd(17)}  ${to}  ${mail.subject}`);
      continue;
    }
    lines.push('', `── ${mail.localTime} · ${mail.kind} · ${to}`, `Subject: ${mail.subject}`);
    if (mail.attachments.length) lines.push(`Attachments: ${mail.attachments.join(', ')}`);
    lines.push('', mail.text.trimEnd());
  }
  for (const note of preview.notes) lines.push('', `Note: ${note}`);
  return lines.join('\n');
}
