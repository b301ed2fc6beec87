/**
 * `npm start`'s records server in a process of its own, for tests: PGlite loads parts of itself
 * with import(), which Jest's module sandbox cannot do. Prints {"url": …} once it serves, or the
 * error and exits 1; stops cleanly on SIGTERM or SIGINT.
 * Usage: node --import tsx test/helpers/embedded-records-main.ts DATA_DIR PORT
 */
import { startEmbeddedRecords } from '../../records/embedded';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir || port === undefined) throw new Error('usage: embedded-records-main.ts DATA_DIR PORT');
  const server = await startEmbeddedRecords({ dataDir, port: Number(port) });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void server.stop().then(() => process.exit(0));
    });
  }
  console.log(JSON.stringify({ url: server.url }));
}

main().catch((err: Error) => {
  console.error(`${err.name}: ${err.message}`);
  process.exit(1);
});
