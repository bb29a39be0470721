export { startMock, type MockOptions, type RunningMock } from './server.js';
export { startProxy, type ProxyOptions } from './proxy.js';
export { profileIdOf, startFaultServer, type Action, type FaultServer, type Received } from './faults.js';
