/**
 * Preloaded into the benchmark's workers to see where their memory and CPU go:
 *   PROFILE_DIR=/tmp/profile BENCH_WORKER_NODE_OPTIONS="--require ./scripts/bench/profiling/worker-profile.cjs" \
 *     npm run bench -- --units 1000
 * Writes, per worker process: the peak heap of each thread (main and workflow thread) beside the
 * process's peak RSS, the CPU seconds of each thread by name, and V8 CPU profiles of the main
 * thread and the workflow thread (read them with summarize-cpu-profile.cjs or Chrome DevTools).
 * The workflow thread's profile is written in 15-second pieces: it never sees the SIGTERM.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');
const v8 = require('node:v8');
const { isMainThread, threadId } = require('node:worker_threads');

const dir = process.env.PROFILE_DIR;
const MB = 2 ** 20;
const isWorkerProcess = () => /followup\.js worker|floor-worker/.test(process.argv.join(' '));
// A worker thread's argv is only set once its script runs, after this preload: decide later.
const isWorkflowThread = () => /workflow-worker-thread/.test(process.argv.join(' '));

if (dir && (!isMainThread || isWorkerProcess())) {
  fs.mkdirSync(dir, { recursive: true });
  const peak = {};
  setInterval(() => {
    if (!isMainThread && !isWorkflowThread()) return;
    const h = v8.getHeapStatistics();
    const now = { heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, ...(isMainThread ? { rss: process.memoryUsage().rss } : {}) };
    for (const [k, v] of Object.entries(now)) peak[k] = Math.max(peak[k] ?? 0, Math.round(v / MB));
    fs.writeFileSync(`${dir}/${process.pid}-${isMainThread ? 'main' : 'workflow-thread'}.memory.json`, JSON.stringify({ argv: process.argv.slice(1, 3), peakMb: peak }));
  }, 1000).unref();

  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  const writeProfile = (name, then) =>
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(result.profile));
      then?.();
    });

  if (isMainThread) {
    process.on('SIGTERM', () => {
      writeProfile(`${process.pid}-main`);
      const cpuSeconds = {};
      for (const tid of fs.readdirSync('/proc/self/task')) {
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpuSeconds[name] = Math.round(((cpuSeconds[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100) * 10) / 10;
      }
      fs.writeFileSync(`${dir}/${process.pid}.threads.json`, JSON.stringify({ argv: process.argv.slice(1, 3), cpuSecondsByThreadName: cpuSeconds }));
    });
  } else {
    let piece = 0;
    setInterval(() => {
      if (isWorkflowThread()) writeProfile(`${process.pid}-workflow-thread-${threadId}-${piece++}`, () => session.post('Profiler.start'));
    }, 15_000).unref();
  }
}
