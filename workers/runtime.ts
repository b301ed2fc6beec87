/**
 * The SDK's process-wide runtime: its log level, and its metrics for Prometheus when asked for.
 * The metrics (workflow task schedule-to-start and execution latency, sticky cache hits and misses,
 * slots in use) are what tell whether a slow worker waits on the server or on its own code.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Environment } from '../config/environment';

/** Finer than the SDK's buckets where a person submitting a form feels the difference (ms). */
const LATENCY_BUCKETS_MS = [10, 25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000, 60000];

export function installRuntime(env: Pick<Environment, 'FOLLOWUP_METRICS_ADDRESS'>, level: LogLevel = 'WARN'): void {
  Runtime.install({
    logger: new DefaultLogger(level),
    ...(env.FOLLOWUP_METRICS_ADDRESS ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: env.FOLLOWUP_METRICS_ADDRESS,
                histogramBucketOverrides: {
                  workflow_task_schedule_to_start_latency: LATENCY_BUCKETS_MS,
                  workflow_task_execution_latency: LATENCY_BUCKETS_MS,
                  activity_schedule_to_start_latency: LATENCY_BUCKETS_MS,
                },
              },
            },
          },
        } : {}),
  });
}
