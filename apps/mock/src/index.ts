export { startMock, type MockOptions } from './server.js';
export type { RunningMock } from './http.js';
export { startProxy, type ProxyOptions } from './proxy.js';
export { profileIdOf, startFaultServer, type Action, type FaultServer, type Received } from './faults.js';
