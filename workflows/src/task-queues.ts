/** The workflow worker's queue: scenarios run here; activities run on each service's own queue. */
export const SCENARIOS_TASK_QUEUE = 'scenarios'
