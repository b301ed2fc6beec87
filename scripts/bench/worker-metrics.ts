/**
 * Reads a worker's Prometheus metrics (FOLLOWUP_METRICS_ADDRESS) into the few figures that say
 * where a workflow task's time goes: waiting for the worker to get it from the server
 * (schedule-to-start) or running in the worker (execution), and how often the worker's cache
 * spared a replay. Sums over all label sets; histograms in milliseconds, the SDK's default.
 */
export interface WorkerProfile {
  /** Workflow tasks the worker completed. */
  workflowTasks: number;
  workflowTaskWaitMeanMs: number;
  /** The upper bound of the histogram bucket holding the 99th percentile. */
  workflowTaskWaitP99Ms: number;
  workflowTaskRunMeanMs: number;
  workflowTaskRunP99Ms: number;
  /** Share of workflow tasks served from the worker's cache (sticky queue) rather than replayed. */
  stickyCacheHitRate: number;
}

interface Sample {
  name: string;
  labels: string;
  value: number;
}

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) samples.push({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) });
  }
  return samples;
}

const total = (samples: Sample[], name: string) => samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);

function histogram(samples: Sample[], name: string): { count: number; meanMs: number; p99Ms: number } {
  const count = total(samples, `${name}_count`);
  const sum = total(samples, `${name}_sum`);
  const byBound = new Map<number, number>();
  for (const s of samples.filter((x) => x.name === `${name}_bucket`)) {
    const le = /le="([^"]+)"/.exec(s.labels)?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  const p99 = bounds.find((b) => byBound.get(b)! >= 0.99 * count) ?? 0;
  return { count, meanMs: count ? Math.round((sum / count) * 10) / 10 : 0, p99Ms: p99 };
}

export function workerProfile(text: string): WorkerProfile {
  const samples = parsePrometheusText(text);
  const wait = histogram(samples, 'temporal_workflow_task_schedule_to_start_latency');
  const run = histogram(samples, 'temporal_workflow_task_execution_latency');
  const hits = total(samples, 'temporal_sticky_cache_hit');
  const misses = total(samples, 'temporal_sticky_cache_miss');
  return {
    workflowTasks: run.count,
    workflowTaskWaitMeanMs: wait.meanMs,
    workflowTaskWaitP99Ms: wait.p99Ms,
    workflowTaskRunMeanMs: run.meanMs,
    workflowTaskRunP99Ms: run.p99Ms,
    stickyCacheHitRate: hits + misses ? Math.round((hits / (hits + misses)) * 1000) / 1000 : 0,
  };
}

export async function scrapeWorker(address: string): Promise<WorkerProfile> {
  const response = await fetch(`http://${address}/metrics`);
  if (!response.ok) throw new Error(`The worker's metrics at ${address} answered ${response.status}`);
  return workerProfile(await response.text());
}
