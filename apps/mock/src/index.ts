export { startMock, strictFromEnvironment, type MockOptions } from './server.js';
export { DEFAULT_LIMITS, type ResourceLimits, type RunningMock } from './http.js';
export { startProxy, type ProxyOptions } from './proxy.js';
export { profileIdOf, startFaultServer, type Action, type FaultServer, type Received } from './faults.js';
