/** The production worker (`followup worker`) as a separate process, so a test can SIGKILL it. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, SOLNA_CONFIG, TEST_LINK_SECRET } from './environment';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(settings: { address: string; taskQueue: string; smtpUrl: string; archiveDir: string; syncSchedules?: boolean }): Promise<WorkerProcess> {
  let output = '';
  // The executable itself, as an operator starts it: with the heap bound of its first line.
  const child = spawn(path.join(PROJECT_ROOT, 'bin/followup.js'), ['worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: settings.address,
      TEMPORAL_TASK_QUEUE: settings.taskQueue,
      SMTP_URL: settings.smtpUrl,
      FOLLOWUP_CONFIG: SOLNA_CONFIG,
      FOLLOWUP_ARCHIVE_DIR: settings.archiveDir,
      FOLLOWUP_LINK_SECRET: TEST_LINK_SECRET,
      // The drills follow one cycle; the schedules' own test turns this on.
      FOLLOWUP_SYNC_SCHEDULES: settings.syncSchedules ? 'on' : 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const until = Date.now() + 60_000;
  while (!output.includes('Worker on')) {
    if (child.exitCode !== null) throw new Error(`The worker exited at start: ${output}`);
    if (Date.now() > until) throw new Error(`The worker did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    kill: (signal) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
