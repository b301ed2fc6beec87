import { runCli } from './program';

async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    env: process.env,
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
