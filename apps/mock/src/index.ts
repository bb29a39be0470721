export { startMock, type MockOptions, type RunningMock } from './server.js';
export { startProxy, type ProxyOptions } from './proxy.js';
