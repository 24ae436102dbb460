/**
 * `hyperseal demo`: the whole story in one command, on the embedded chain and temporary
 * directories only, with no HTTP: a service seals a writer's core and verifies it (verified);
 * the writer rewinds (truncate, then other data) and the old version is shown to be a rewind;
 * then a copied key signs a second history and the service's replica receives the conflicting
 * signed head (fork). Everything it starts (service, anvil, writers, temp dirs) is removed at
 * the end, on error and on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import type { HypersealService } from '../service'
import type { Verdict } from '../verify'
import type { DemoWriter } from './demo-writer'
import { printError } from './exit'
import { exitCodeOf } from './exit-codes'

const WAIT_MS = 60_000

export function registerDemo (program: Command): void {
  program.command('demo')
    .description('Run a self-contained demonstration on a local chain and temporary directories: seal and verify a core, then catch a rewind and a fork.')
    .action(async () => {
      const code = await runDemo((line) => process.stdout.write(line + '\n'))
      process.exitCode = code
    })
}

export async function runDemo (say: (line: string) => void): Promise<number> {
  // Loaded here, not above: declaring the command must stay cheap (`--help`).
  const { loadConfig } = await import('../config')
  const { HypersealService } = await import('../service')
  const { cloneWriter, openWriter } = await import('./demo-writer')
  const root = mkdtempSync(join(tmpdir(), 'hyperseal-demo-'))
  const writers: DemoWriter[] = []
  let service: HypersealService | undefined
  let cleaned: Promise<void> | undefined
  // A signal can land mid-step, while a writer is still opening: it joins `writers` only once
  // open, so the list is read again after the service is closed, and the removal retries
  // (files still being created make a recursive rm fail with ENOTEMPTY on a busy machine).
  const removeRoot = (): void => { try { rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }) } catch {} }
  const cleanup = (): Promise<void> => (cleaned ??= (async () => {
    for (const w of writers.splice(0)) await w.close().catch(() => {})
    await service?.close().catch(() => {})
    for (const w of writers.splice(0)) await w.close().catch(() => {})
    removeRoot()
  })())
  let interrupted = false
  const onSignal = (): void => {
    if (interrupted) return
    interrupted = true
    say('\nInterrupted: cleaning up (service, local chain, temporary directories)…')
    void cleanup().finally(() => {
      removeRoot()
      process.exit(130)
    })
  }
  // `on`, not `once`: the listener must stay while the cleanup runs, so that the anvil child
  // guard (src/chain) sees that the signal is handled and does not re-raise it.
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    say('[1/6] Starting an embedded Hyperseal service (a local anvil chain, the HyperSeal contract, a ledger) in a temporary directory…')
    service = await HypersealService.open(loadConfig({ env: { HYPERSEAL_DATA: join(root, 'service'), HYPERSEAL_PORT: '0', HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_CHAIN_PORT: '0' } }), { updateTimeoutMs: 2000 })
    const svc = service
    say(`      chain ${svc.rpcUrl ?? '(configured)'}; the service keeps its own replica of each watched core.`)

    say('[2/6] A writer creates a Hypercore, appends 5 blocks and serves it over TCP on 127.0.0.1…')
    const writer = await openWriter(join(root, 'writer'))
    writers.push(writer)
    await writer.append(5, 'original')
    await svc.watchCore(writer.key, [writer.peer])
    await replicaAt(svc, writer.key, 5, 0)
    say(`      core ${writer.key} at length 5, watched from ${writer.peer}.`)

    say('[3/6] Sealing: the head (key, length, fork, tree hash, signature) goes into a Merkle batch whose root is written on chain…')
    const pass = await svc.sealNow()
    say(`      root ${pass.batch?.root ?? '?'} sealed at ${pass.batch?.sealedAt ?? '?'}.`)
    show(say, 'Verify version 3', await svc.verify(writer.key, 3))

    say('[4/6] The writer rewinds: it truncates to 2 blocks and appends other data, then the service seals again…')
    await writer.core.truncate(2)
    await writer.append(4, 'rewritten')
    await replicaAt(svc, writer.key, 6, 1)
    await svc.sealNow()
    const rewound = await svc.verify(writer.key, 3)
    show(say, 'Verify version 3 again', rewound)
    for (const i of rewound.incidents) say(`      evidence: ${i.kind} detected ${i.detectedAt}: sealed head length ${i.sealed.length} fork ${i.sealed.fork}, observed length ${i.observed.length} fork ${i.observed.fork}.`)

    say('[5/6] A fork: a second writer\'s storage is copied to another "device" with the same key, and each copy appends different data…')
    const base = await openWriter(join(root, 'forked-one'))
    writers.push(base)
    await base.append(8, 'shared')
    const at = writers.indexOf(base)
    if (at >= 0) writers.splice(at, 1)
    const [one, two] = await cloneWriter(base, join(root, 'forked-two'))
    writers.push(one, two)
    await one.append(2, 'device one')
    await two.append(4, 'device two')
    await svc.watchCore(one.key, [one.peer])
    await replicaAt(svc, one.key, 10, 0)
    await svc.sealNow()
    show(say, 'Verify version 10 (only device one seen so far)', await svc.verify(one.key, 10))

    say('[6/6] The service now also hears from device two: same key, same fork id, another signed history…')
    await svc.watchCore(one.key, [two.peer])
    await until(async () => (await svc.listIncidents({ key: one.key })).some((i) => i.kind === 'fork'), 'a fork incident')
    show(say, 'Verify version 10 again', await svc.verify(one.key, 10))
    say('Done: verified, then rewind, then fork — each verdict backed by the chain and signed heads.')
    return 0
  } catch (err) {
    printError(err, false)
    return exitCodeOf(err)
  } finally {
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
    say('Cleaning up: closing the writers and the service, stopping the local chain, removing temporary directories.')
    await cleanup()
  }
}

function show (say: (line: string) => void, what: string, v: Verdict): void {
  say(`      ${what}: ${v.status.toUpperCase()} — ${v.reason}`)
  if (v.receipt !== null) say(`      deciding seal: head length ${v.receipt.head.length}, tx ${v.receipt.seal.txHash} in block ${v.receipt.seal.blockNumber}${v.sealedAt !== null ? `, at ${v.sealedAt}` : ''}; incidents: ${v.incidents.length}.`)
}

async function replicaAt (svc: HypersealService, key: string, length: number, fork: number): Promise<void> {
  await until(() => {
    const w = svc.watcher.watched().find((c) => c.key === key)
    return w?.length === length && w.fork === fork
  }, `the service's replica to reach length ${length} on fork ${fork}`)
}

async function until (test: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
