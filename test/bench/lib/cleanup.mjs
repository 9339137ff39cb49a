/**
 * Everything the harness starts (child processes, databases, temp dirs) registers an undo here, so
 * a normal end, an error, Ctrl-C or the overall deadline all leave the machine as it was.
 */
const undos = [];
let running = null;

/** Registers `undo` (run once, newest first); returns a function that runs it early and forgets it. */
export function onCleanup(label, undo) {
  const entry = { label, undo, done: false };
  undos.push(entry);
  return async () => {
    await runOne(entry);
    undos.splice(undos.indexOf(entry), 1);
  };
}

async function runOne(entry) {
  if (entry.done) return;
  entry.done = true;
  try {
    await entry.undo();
  } catch (error) {
    log(`cleanup of ${entry.label} failed: ${error?.message ?? error}`);
  }
}

/** Runs every registered undo, newest first. Safe to call more than once. */
export function cleanupAll() {
  running ??= (async () => {
    for (const entry of [...undos].reverse()) await runOne(entry);
    undos.length = 0;
    running = null;
  })();
  return running;
}

/** Cleans up and exits on signals and on the overall deadline (so a stuck run never lingers). */
export function installExitHandlers(deadlineMs) {
  const abort = async (reason, code) => {
    log(`${reason}: cleaning up`);
    await cleanupAll();
    process.exit(code);
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  process.on('unhandledRejection', (error) => abort(`unhandled rejection: ${error?.stack ?? error}`, 1));
  const timer = setTimeout(() => abort(`deadline of ${deadlineMs / 1000} s reached`, 124), deadlineMs);
  timer.unref();
}

/** Progress goes to stderr: stdout carries only the JSON result. */
export function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

let abortRunningSuite = null;

/** A promise that rejects when `abortSuite` is called: run.mjs races each suite against it. */
export function suiteAborted() {
  return new Promise((_, reject) => {
    abortRunningSuite = reject;
  });
}

/** Ends the running suite at once (e.g. its server died), instead of letting it wait for timeouts. */
export function abortSuite(error) {
  abortRunningSuite?.(error);
}
