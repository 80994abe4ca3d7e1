/** Electron-free security rules of the desktop app; main/app applies them, tests check them. */
export * from './appProtocol.js';
export * from './contentSecurityPolicy.js';
export * from './ipcSender.js';
export * from './linkAllowlist.js';
export * from './navigationGuard.js';
export * from './windowOptions.js';
