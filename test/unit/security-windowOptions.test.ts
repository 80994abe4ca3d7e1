import { describe, expect, it } from 'vitest';
import { secureWebPreferences, windowOptions, WINDOW_BACKGROUND } from '../../main/services/security/windowOptions.js';

describe('window options', () => {
  it('isolates and sandboxes the renderer', () => {
    const prefs = secureWebPreferences({ preloadPath: '/app/out/preload/preload.cjs', isPackaged: true });
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });

  it('offers DevTools only when not packaged', () => {
    expect(secureWebPreferences({ preloadPath: 'p', isPackaged: true }).devTools).toBe(false);
    expect(secureWebPreferences({ preloadPath: 'p', isPackaged: false }).devTools).toBe(true);
  });

  it('sizes the window 1280×800, at least 1024×700, and follows the OS theme before first paint', () => {
    const light = windowOptions({ preloadPath: 'p', isPackaged: true, platform: 'linux', darkMode: false });
    expect(light).toMatchObject({ width: 1280, height: 800, minWidth: 1024, minHeight: 700, show: false });
    expect(light.backgroundColor).toBe(WINDOW_BACKGROUND.light);
    expect(light.autoHideMenuBar).toBe(true);
    const dark = windowOptions({ preloadPath: 'p', isPackaged: true, platform: 'darwin', darkMode: true });
    expect(dark.backgroundColor).toBe(WINDOW_BACKGROUND.dark);
    expect(dark.titleBarStyle).toBe('default');
    expect(dark.autoHideMenuBar).toBe(false);
  });
});
