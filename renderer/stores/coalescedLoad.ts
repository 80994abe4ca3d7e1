/**
 * A reload that never runs twice at once: a call while one is running makes it run once more when
 * it finishes (so the newest state always lands), and every caller awaits that same run. Live
 * events can ask for dozens of reloads a second during a directory sync; this keeps it to one.
 */
export function coalescedLoad(run: () => Promise<void>, onStart: () => void = () => undefined): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  let again = false;
  return () => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    onStart();
    inFlight = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };
}
