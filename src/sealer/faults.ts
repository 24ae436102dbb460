/**
 * Crash points for the recovery trials: a test arms one through HYPERSEAL_FAULT and the service
 * SIGKILLs itself there, the way a power cut or an OOM kill would stop it. Unset, nothing happens.
 */
export const FAULT_POINTS = ['after-journal', 'after-send', 'after-mined', 'after-receipts'] as const
export type FaultPoint = typeof FAULT_POINTS[number]

export function faultFromEnv (env: NodeJS.ProcessEnv = process.env): (point: FaultPoint) => void {
  const armed = env.HYPERSEAL_FAULT
  if (armed === undefined || armed === '') return () => {}
  if (!(FAULT_POINTS as readonly string[]).includes(armed)) {
    throw new Error(`HYPERSEAL_FAULT must be one of ${FAULT_POINTS.join(', ')}, got ${JSON.stringify(armed)}`)
  }
  return (point) => {
    if (point === armed) process.kill(process.pid, 'SIGKILL')
  }
}
