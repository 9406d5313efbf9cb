export type { Numeric, Tolerance } from './all-close';
export { expectAllClose } from './all-close';
export type { BackendActivator, TestBackend } from './describe-backends';
export { describeBackends, selectedBackends, setBackendActivator } from './describe-backends';
export { expectNoLeaks } from './no-leaks';
