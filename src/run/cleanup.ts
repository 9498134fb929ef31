/**
 * The run's cleanup registry: everything a run starts (CoreDNS processes, servers, temp files,
 * network namespaces) registers how to undo itself here, so that nothing outlives the run however
 * it ends:
 * - normal exit: `beforeExit` runs what is still registered (backends normally tear down first);
 * - SIGINT/SIGTERM: the cleanups run at once; when nobody else listens for the signal (no CLI
 *   dispatcher, e.g. a script or a test child) the signal is then re-raised so the process dies of
 *   it, as it would have without us;
 * - `process.exit()`, an uncaught error: the `exit` event can only run synchronous code, so each
 *   cleanup is started and its synchronous part runs. Cleanups therefore do the urgent part first,
 *   synchronously (kill the process group, remove the temp directory), then await the rest.
 * Each cleanup runs at most once, newest first, each bounded in time.
 */

type Cleanup = () => unknown;

const CLEANUP_TIMEOUT_MS = 10_000;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

const registered = new Set<{ fn: Cleanup }>();
let installed = false;
let running: Promise<void> | undefined;

/** Registers `fn` to run when the run ends; the returned function unregisters it (after a normal teardown). */
export function onCleanup(fn: Cleanup): () => void {
  install();
  const entry = { fn };
  registered.add(entry);
  return () => {
    registered.delete(entry);
  };
}

/** Runs every registered cleanup once (newest first); concurrent and repeated calls share the work. */
export function runCleanups(): Promise<void> {
  const previous = running ?? Promise.resolve();
  const next = previous.then(async () => {
    const entries = [...registered].reverse();
    registered.clear();
    for (const entry of entries) await bounded(entry.fn);
  });
  running = next;
  return next;
}

async function bounded(fn: Cleanup): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(
        `dnsconform: a cleanup step took over ${CLEANUP_TIMEOUT_MS / 1000} s; moving on\n`,
      );
      resolve();
    }, CLEANUP_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } catch (e) {
    process.stderr.write(`dnsconform: cleanup failed: ${(e as Error).message}\n`);
  } finally {
    clearTimeout(timer);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const othersListen = process.listenerCount(signal) > 1;
  void runCleanups().then(() => {
    if (othersListen) return; // the CLI unwinds and exits on its own
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  });
}

function onBeforeExit(): void {
  // beforeExit fires again whenever the loop drains: only start work when there is some.
  if (registered.size > 0) void runCleanups();
}

function onExit(): void {
  // Synchronous context: start each cleanup so its synchronous part (kill, rmSync) happens.
  const entries = [...registered].reverse();
  registered.clear();
  for (const entry of entries) {
    try {
      const result = entry.fn();
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // nothing more can be done while exiting
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
}
