export { HEALTH_PATH, startMock, strictFromEnvironment, type MockOptions } from './server.js';
export { DEFAULT_LIMITS, type ResourceLimits, type RunningMock } from './http.js';
export { startProxy, type ProxyOptions } from './proxy.js';
export {
  FAULTS_SYNTAX,
  FaultSpecError,
  parseFaults,
  profileIdOf,
  refusedBaseUrl,
  startFaultServer,
  type Action,
  type FaultPlan,
  type FaultRule,
  type FaultServer,
  type Received,
} from './faults.js';
export { TASK_DEFAULTS, TaskStore, type TaskOptions, type TaskRecord } from './tasks.js';
