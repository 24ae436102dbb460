/**
 * Optional profiles of one stretch of a bench (not the setup around it), written where the
 * environment says, for Chrome DevTools (or any tool that reads these formats):
 *   BENCH_CPU_PROF=<dir>   a CPU profile, <dir>/<name>.cpuprofile
 *   BENCH_HEAP_PROF=<dir>  a sampling allocation profile (garbage included), <dir>/<name>.heapprofile
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'

function post (session: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))))
}

export async function profiled<T> (name: string, fn: () => Promise<T>): Promise<T> {
  const cpuDir = process.env.BENCH_CPU_PROF ?? ''
  const heapDir = process.env.BENCH_HEAP_PROF ?? ''
  if (cpuDir === '' && heapDir === '') return await fn()
  const session = new Session()
  session.connect()
  if (cpuDir !== '') {
    await post(session, 'Profiler.enable')
    await post(session, 'Profiler.start')
  }
  if (heapDir !== '') {
    await post(session, 'HeapProfiler.enable')
    await post(session, 'HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  }
  try {
    return await fn()
  } finally {
    if (cpuDir !== '') {
      const { profile } = await post(session, 'Profiler.stop') as { profile: unknown }
      mkdirSync(cpuDir, { recursive: true })
      writeFileSync(join(cpuDir, `${name}.cpuprofile`), JSON.stringify(profile))
    }
    if (heapDir !== '') {
      const { profile } = await post(session, 'HeapProfiler.stopSampling') as { profile: unknown }
      mkdirSync(heapDir, { recursive: true })
      writeFileSync(join(heapDir, `${name}.heapprofile`), JSON.stringify(profile))
    }
    session.disconnect()
  }
}
