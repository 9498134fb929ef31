/** Bounded polling: every wait on the cluster has a deadline and stops when the run is interrupted. */

export class WaitTimeout extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly last: string,
  ) {
    super(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${last ? `: ${last}` : ''}`);
    this.name = 'WaitTimeout';
  }
}

export interface PollOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  signal: AbortSignal;
}

/**
 * Calls `check` until it returns `{ done: true }` or the deadline passes. `check` may also throw
 * to give up early (e.g. an image that cannot be pulled). `detail` of the last check ends up in
 * the timeout message, so it should say what is still missing.
 */
export async function poll<T>(
  check: () => Promise<{ done: true; value: T } | { done: false; detail: string }>,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 1000;
  let last = '';
  for (;;) {
    options.signal.throwIfAborted();
    const r = await check();
    if (r.done) return r.value;
    last = r.detail;
    if (Date.now() + interval > deadline) throw new WaitTimeout(options.what, options.timeoutMs, last);
    await sleep(interval, options.signal);
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
