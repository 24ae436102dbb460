/**
 * Crash points for the recovery trials: a test arms one through HYPERSEAL_FAULT and the service
 * SIGKILLs itself there, the way a power cut or an OOM kill would stop it. Unset, nothing happens.
 */
export const FAULT_POINTS = ['after-journal', 'after-send', 'after-mined', 'after-receipts'] as const
/** In a secondary anchor's run (anchors.ts): its root sealed and mined, its records not yet written. */
export const ANCHOR_FAULT_POINTS = ['anchor-after-mined'] as const
export type FaultPoint = typeof FAULT_POINTS[number] | typeof ANCHOR_FAULT_POINTS[number]
const ALL: readonly string[] = [...FAULT_POINTS, ...ANCHOR_FAULT_POINTS]

export function faultFromEnv (env: NodeJS.ProcessEnv = process.env): (point: FaultPoint) => void {
  const armed = env.HYPERSEAL_FAULT
  if (armed === undefined || armed === '') return () => {}
  if (!ALL.includes(armed)) {
    throw new Error(`HYPERSEAL_FAULT must be one of ${ALL.join(', ')}, got ${JSON.stringify(armed)}`)
  }
  return (point) => {
    if (point === armed) process.kill(process.pid, 'SIGKILL')
  }
}
