/**
 * A person's mail log: every mail the product sent to an address, of every obligation kind, with
 * what became of it (delivered, put off, refused with the server's words, not made), read from the
 * database of record. What the secretariat looks up when someone says they got nothing.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { formatDate } from '../../domain/calendar';
import { mailsTo } from '../../records/mail-log';
import { mailLogQuery } from '../forms';
import { TEXTS, text, type TextKey } from '../i18n';
import type { WebKit } from '../kit';
import type { SecretariatSession } from '../secretariat-session';

export async function mailLogPages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { page, zone } = kit;
  const { requireLogin, secretariatContext } = session;
  const records = kit.deps.records;

  app.get('/mail-log', { onRequest: requireLogin, schema: { querystring: mailLogQuery } }, async (request, reply) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const address = request.query.address || undefined;
    const mails = records && address ? await mailsTo(records, address) : [];
    return page(reply, 200, 'list', context, {
      heading: text(lang, 'mailLogTitle'),
      intro: text(lang, records ? 'mailLogIntro' : 'mailLogNoRecords'),
      forms: records
        ? [{ id: 'mail-log', heading: text(lang, 'mailLogFind'), action: '/mail-log', submit: text(lang, 'mailLogShow'), opens: true, fields: [{ name: 'address', label: text(lang, 'mailLogAddress'), type: 'email', value: address ?? '', required: true }] }]
        : [],
      tables: address
        ? [
            {
              caption: text(lang, 'mailLogOf', { address }),
              columns: [text(lang, 'historyWhen'), text(lang, 'mailLogKind'), text(lang, 'mailLogOutcome'), text(lang, 'mailLogServer'), 'Message-ID'],
              empty: text(lang, 'mailLogNone'),
              rows: [...mails].reverse().map((m) => ({
                cells: [
                  { text: formatDate(m.at.toISOString(), zone, lang, true) },
                  { text: mailKindText(lang, m.kind) },
                  { text: text(lang, `mailOutcome_${m.outcome}` as TextKey), attention: m.outcome === 'refused' || m.outcome === 'failed' },
                  { text: m.serverResponse ?? '' },
                  { text: m.messageId },
                ],
              })),
            },
          ]
        : [],
    });
  });
}

/** The kind of a mail in the page's words; a kind without words of its own is shown by its name. */
export function mailKindText(lang: 'sv' | 'en', kind: string): string {
  const key = `mail_${kind}`;
  return key in TEXTS[lang] ? text(lang, key as TextKey) : kind;
}
