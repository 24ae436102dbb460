/**
 * Races `promise` against a timer. On timeout the returned promise rejects with `onTimeout()`;
 * the original promise keeps running (Hypercore offers no way to cancel an update), so its
 * late rejection is swallowed here instead of surfacing as an unhandled rejection.
 */
export function withTimeout<T> (promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  promise.catch(() => {})
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
