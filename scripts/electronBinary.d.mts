/** Types for electronBinary.mjs (used by scripts/start.mjs and the Electron smoke test). */
export type ElectronBinary = { installed: true; executable: string } | { installed: false; reason: string };
export declare function findElectronBinary(fromDir?: string): ElectronBinary;
