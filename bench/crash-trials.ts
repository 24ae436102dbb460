/**
 * Crash trials with figures: the real service in a child process, seal passes cut by SIGKILL at
 * the four fault points and at random moments, then a fresh process settles and the invariants
 * are checked (every acknowledged head has exactly one final receipt, no root sealed outside a
 * batch of the log, every receipt verifies).
 *   npm run bench -- crash-trials [trials=100]
 */
import { FAULT_POINTS } from '../src/sealer'
import { appendN, localWriter, runCleanups, tempDir } from '../test/heads/helpers'
import { crashTrial, type TrialMode } from '../test/faults/trial'

async function main (): Promise<void> {
  const trials = Number(process.argv[2] ?? 100)
  if (!Number.isSafeInteger(trials) || trials < 1) throw new Error('usage: crash-trials [trials ≥ 1]')
  const modes: TrialMode[] = [...FAULT_POINTS, 'random', 'random', 'random', 'random']
  const dataDir = tempDir('hs-crash-bench-')
  const writer = await localWriter()
  await appendN(writer.core, 2)
  const acked: number[] = []
  const tally = { survived: 0, lost: 0, duplicated: 0, orphanRoots: 0, unverified: 0 }
  const started = Date.now()
  for (let i = 0; i < trials; i++) {
    const mode = modes[i % modes.length]
    let o
    try {
      o = await crashTrial(dataDir, writer, mode, acked, i === 0)
    } catch (err) {
      console.log(`trial ${i + 1} (${mode}) ERROR: ${(err as Error).message}`)
      continue
    }
    tally.lost = o.lost.length
    tally.duplicated = o.duplicated.length
    tally.orphanRoots = o.orphanRoots
    tally.unverified = o.unverified
    const ok = o.lost.length === 0 && o.duplicated.length === 0 && o.orphanRoots === 0 && o.unverified === 0
    if (ok) tally.survived++
    else console.log(`trial ${i + 1} (${mode}) FAILED: ${JSON.stringify(o)}`)
    if ((i + 1) % 10 === 0) console.log(`  ${i + 1}/${trials} trials, ${((Date.now() - started) / 1000).toFixed(0)} s`)
  }
  console.log(`trials ${trials} | survived ${tally.survived} | lost ${tally.lost} | duplicated ${tally.duplicated} | orphan roots ${tally.orphanRoots} | unverified ${tally.unverified} | acknowledged heads ${new Set(acked).size} | ${((Date.now() - started) / 1000).toFixed(0)} s`)
  await runCleanups()
  process.exitCode = tally.survived === trials ? 0 : 1
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
