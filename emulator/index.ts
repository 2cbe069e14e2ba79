export { startEmulator, type RunningEmulator, type StartOptions } from './server.js';
export { Emulator } from './core/emulator.js';
export { BOOTSTRAP_ACCOUNT, BOOTSTRAP_ACCESS_KEY, BOOTSTRAP_SECRET } from './identity/store.js';
