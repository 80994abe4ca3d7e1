/**
 * Copying a secret: main writes the clipboard and, 60 seconds later, clears it, but only if the
 * clipboard still holds that secret (the admin may have copied something else since; that is
 * theirs to keep). A newer copy replaces the pending clear of an older one.
 */
import type { Clipboard, SetTimer } from './deps.js';

export const SECRET_CLIPBOARD_SECONDS = 60;

export interface ClipboardGuard {
  /** Writes plain text (no clearing). */
  copy(text: string): void;
  /** Writes a secret and schedules its clearing; returns the seconds until then. */
  copySecret(secret: string): number;
  /** Clears a copied secret at once if the clipboard still holds it (on quit), and cancels the pending clear. */
  clearNow(): void;
}

export function createClipboardGuard(clipboard: Clipboard, setTimer: SetTimer, seconds = SECRET_CLIPBOARD_SECONDS): ClipboardGuard {
  let pending: { secret: string; cancel: () => void } | undefined;

  const clearIfStillHeld = (secret: string) => {
    if (clipboard.readText() === secret) clipboard.writeText('');
  };

  return {
    copy(text) {
      clipboard.writeText(text);
    },
    copySecret(secret) {
      pending?.cancel();
      clipboard.writeText(secret);
      const cancel = setTimer(() => {
        pending = undefined;
        clearIfStillHeld(secret);
      }, seconds * 1000);
      pending = { secret, cancel };
      return seconds;
    },
    clearNow() {
      if (!pending) return;
      pending.cancel();
      clearIfStillHeld(pending.secret);
      pending = undefined;
    },
  };
}
