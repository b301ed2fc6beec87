/**
 * `npm start`'s database of record (PGlite served over the wire protocol, records/embedded.ts) in a
 * process of its own for the benchmark's dev-server run, so that its work is not the benchmark's
 * own process's: prints {"url": …} once it serves; stops cleanly on SIGTERM.
 * Usage: node --import tsx scripts/bench/embedded-records.ts DATA_DIR
 */
import { startEmbeddedRecords } from '../../records/embedded';

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: embedded-records.ts DATA_DIR');
  const server = await startEmbeddedRecords({ dataDir, port: 0 });
  process.once('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
  console.log(JSON.stringify({ url: server.url }));
}

main().catch((err: Error) => {
  console.error(`${err.name}: ${err.message}`);
  process.exit(1);
});
