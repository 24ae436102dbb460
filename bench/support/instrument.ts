/**
 * Times calls from the outside: replaces named methods of an object with wrappers that add
 * each call's duration to a per-method total. The object behaves exactly as before.
 */
export interface CallStats { calls: number, ms: number }

export class CallTimer {
  readonly stats = new Map<string, CallStats>()
  /** performance.now() at the end of the first call of each method. */
  readonly firstDone = new Map<string, number>()

  wrap<T extends object> (label: string, target: T, methods: ReadonlyArray<keyof T & string>): void {
    for (const name of methods) {
      const original = target[name]
      if (typeof original !== 'function') throw new Error(`${label}.${name} is not a method`)
      const key = `${label}.${name}`
      const record = (start: number): void => {
        const end = performance.now()
        const s = this.stats.get(key) ?? { calls: 0, ms: 0 }
        s.calls++
        s.ms += end - start
        this.stats.set(key, s)
        if (!this.firstDone.has(key)) this.firstDone.set(key, end)
      }
      const wrapped = async (...args: unknown[]): Promise<unknown> => {
        const start = performance.now()
        try {
          return await (original as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        } finally {
          record(start)
        }
      }
      Object.defineProperty(target, name, { value: wrapped, configurable: true, writable: true })
    }
  }

  reset (): void {
    this.stats.clear()
    this.firstDone.clear()
  }
}
