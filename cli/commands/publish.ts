/** `followup publish`: the public registers as files for a web team that copies files to the municipality's website. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Language } from '../../domain/types';
import { helpers, type CommandContext, type Opts } from './common';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, one instance per process (source, dist or tests) */
const loadPublication = () => require('../../client/publication') as typeof import('../../client/publication');
const loadPage = () => require('../../web/public-page') as typeof import('../../web/public-page');
const loadViews = () => require('../../web/views') as typeof import('../../web/views');
const loadEnvironment = () => require('../../config/environment') as typeof import('../../config/environment');
const loadConfigs = () => require('../../config/load') as typeof import('../../config/load');
/* eslint-enable @typescript-eslint/no-require-imports */

export function addPublishCommand(program: Command, ctx: CommandContext): void {
  const { io, opts } = helpers(ctx);
  program
    .command('publish')
    .requiredOption('-o, --out <dir>', 'the folder to write into (made if missing; its files are replaced)')
    .description("write what the config's \"publication\" makes public: index.html and feed.json in the organisation's language, index.<lang>.html and feed.<lang>.json in the other")
    .action(async (_o, cmd: Command) => {
      const o = opts(cmd) as Opts & { out: string };
      const cfg = ctx.loadConfig(o);
      // In a deployment of several organisations each has its pages under its own path.
      const several = loadConfigs().loadConfigs((o.config as string | undefined) ?? ctx.env().FOLLOWUP_CONFIG).length > 1;
      const service = `${ctx.env().PUBLIC_BASE_URL.replace(/\/$/, '')}${several ? `/${cfg.organisation.id}` : ''}`;
      const client = await ctx.client();
      const views = loadViews().createViews(path.join(loadEnvironment().PROJECT_ROOT, 'templates'), cfg.organisation.templates);
      const first = cfg.organisation.language;
      const other: Language = first === 'sv' ? 'en' : 'sv';
      const name = (lang: Language, base: string, ext: string) => (lang === first ? `${base}.${ext}` : `${base}.${lang}.${ext}`);
      mkdirSync(o.out, { recursive: true });
      const written: string[] = [];
      for (const lang of [first, other]) {
        const feed = await loadPublication().loadPublicFeed(client, cfg, new Date(), lang);
        const html = loadPage().renderPublicPage(views, feed, cfg, {
          feedUrl: name(lang, 'feed', 'json'),
          // The statement lives with the service, not with the copied files.
          accessibilityUrl: `${service}/accessibility?lang=${lang}`,
          switchLanguageUrl: name(lang === first ? other : first, 'index', 'html'),
        });
        for (const [file, body] of [[name(lang, 'index', 'html'), html], [name(lang, 'feed', 'json'), JSON.stringify(feed, null, 2)]] as const) {
          writeFileSync(path.join(o.out, file), body);
          written.push(file);
        }
        if (lang === first) io.out(`${feed.registers.map((r) => `${r.title}: ${r.items.length}`).join(', ')}.`);
      }
      io.out(`Wrote ${written.join(', ')} to ${o.out}.`);
    });
}
