/**
 * A loop that runs `fn` every `ms` without ever overlapping itself: a slow
 * round (a busy Redis, a worker slow to answer) skips ticks instead of piling
 * them up. The timer does not keep the process alive.
 */
export function every(ms: number, fn: () => Promise<void>, stopped: () => boolean, onError: (err: unknown) => void): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running || stopped()) return;
    running = true;
    fn()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, ms);
  timer.unref();
  return timer;
}
