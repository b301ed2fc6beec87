/** The benchmark reads where a worker's workflow tasks spend their time from its Prometheus metrics. */
import { workerProfile } from '../../scripts/bench/worker-metrics';

const labels = (type: string, le?: string) => `{namespace="default",task_queue="bench-ours-5800",workflow_type="${type}"${le ? `,le="${le}"` : ''}}`;

// Trimmed from a real worker's /metrics during a 5,800-unit run.
const sample = `# HELP temporal_sticky_cache_hit Count of times the workflow cache was used for a new workflow task
# TYPE temporal_sticky_cache_hit counter
temporal_sticky_cache_hit${labels('cycleWorkflow')} 128
temporal_sticky_cache_hit${labels('unitWorkflow')} 1118
temporal_sticky_cache_miss${labels('unitWorkflow')} 754
temporal_workflow_task_execution_latency_bucket${labels('cycleWorkflow', '10')} 33
temporal_workflow_task_execution_latency_bucket${labels('cycleWorkflow', '100')} 121
temporal_workflow_task_execution_latency_bucket${labels('cycleWorkflow', '1000')} 129
temporal_workflow_task_execution_latency_bucket${labels('cycleWorkflow', '+Inf')} 129
temporal_workflow_task_execution_latency_sum${labels('cycleWorkflow')} 4661
temporal_workflow_task_execution_latency_count${labels('cycleWorkflow')} 129
temporal_workflow_task_execution_latency_bucket${labels('unitWorkflow', '10')} 143
temporal_workflow_task_execution_latency_bucket${labels('unitWorkflow', '100')} 1828
temporal_workflow_task_execution_latency_bucket${labels('unitWorkflow', '1000')} 2230
temporal_workflow_task_execution_latency_bucket${labels('unitWorkflow', '+Inf')} 2230
temporal_workflow_task_execution_latency_sum${labels('unitWorkflow')} 134319
temporal_workflow_task_execution_latency_count${labels('unitWorkflow')} 2230
temporal_workflow_task_schedule_to_start_latency_bucket{task_queue="bench-ours-5800",le="100"} 1632
temporal_workflow_task_schedule_to_start_latency_bucket{task_queue="bench-ours-5800",le="500"} 2174
temporal_workflow_task_schedule_to_start_latency_bucket{task_queue="bench-ours-5800",le="1000"} 2219
temporal_workflow_task_schedule_to_start_latency_bucket{task_queue="bench-ours-5800",le="5000"} 2253
temporal_workflow_task_schedule_to_start_latency_bucket{task_queue="bench-ours-5800",le="+Inf"} 2253
temporal_workflow_task_schedule_to_start_latency_sum{task_queue="bench-ours-5800"} 276606
temporal_workflow_task_schedule_to_start_latency_count{task_queue="bench-ours-5800"} 2253
`;

test('a worker profile sums every workflow type and reads the 99th percentile from the buckets', () => {
  expect(workerProfile(sample)).toEqual({
    workflowTasks: 129 + 2230,
    workflowTaskWaitMeanMs: 122.8,
    workflowTaskWaitP99Ms: 5000,
    workflowTaskRunMeanMs: Math.round(((4661 + 134319) / 2359) * 10) / 10,
    workflowTaskRunP99Ms: 1000,
    stickyCacheHitRate: Math.round(((128 + 1118) / (128 + 1118 + 754)) * 1000) / 1000,
  });
});

test('a worker that did nothing yet gives zeros, not NaN', () => {
  expect(workerProfile('# nothing yet\n')).toEqual({ workflowTasks: 0, workflowTaskWaitMeanMs: 0, workflowTaskWaitP99Ms: 0, workflowTaskRunMeanMs: 0, workflowTaskRunP99Ms: 0, stickyCacheHitRate: 0 });
});
