/**
 * The options of the app's one window. Kept free of Electron so they are unit tested; main/app
 * passes them to `new BrowserWindow` (the shapes are the subset of Electron's it uses).
 */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
  devTools: boolean;
}

export function secureWebPreferences(options: { preloadPath: string; isPackaged: boolean }): SecureWebPreferences {
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // DevTools only while developing: a packaged app has no way to open them.
    devTools: !options.isPackaged,
  };
}

export const WINDOW_SIZE = { width: 1280, height: 800, minWidth: 1024, minHeight: 700 } as const;

/** The window background before the first paint, matching the renderer's light and dark themes. */
export const WINDOW_BACKGROUND = { light: '#ffffff', dark: '#111318' } as const;

export interface WindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: false;
  backgroundColor: string;
  titleBarStyle: 'default';
  autoHideMenuBar: boolean;
  webPreferences: SecureWebPreferences;
}

/**
 * The title bar is the platform's own everywhere: a hidden/inset macOS title bar would need a drag
 * region in the renderer, and the renderer's header is not one. On Windows and Linux the menu bar
 * is hidden (Alt shows it) since the app has no menu of its own beyond the defaults.
 */
export function windowOptions(options: {
  preloadPath: string;
  isPackaged: boolean;
  platform: NodeJS.Platform;
  darkMode: boolean;
}): WindowOptions {
  return {
    ...WINDOW_SIZE,
    title: 'SCIM Directory Sync',
    show: false,
    backgroundColor: options.darkMode ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    titleBarStyle: 'default',
    autoHideMenuBar: options.platform !== 'darwin',
    webPreferences: secureWebPreferences(options),
  };
}
