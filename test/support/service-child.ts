/**
 * A Hyperseal service in its own process, for crash trials: it opens the service on
 * HYPERSEAL_DATA (embedded anvil), arms HYPERSEAL_FAULT if set, prints one JSON line
 * `{ ready, contract, rpc, recovered }` and then answers commands on stdin, one JSON line each:
 *   watch <key> <host:port>   watch a core through a peer
 *   seal                      run a seal pass: { batch, skipped, incidents }
 *   receipts <key>            the core's receipts: [{ length, root }]
 *   batches                   every batch in the log: [{ root, leafCount }]
 *   verify <key> <version>    the verdict's status: { status, reason }
 *   cores                     the watched cores: [{ key, length, fork, stale }]
 *   anchor <name>             run a later anchor now: [{ name, ok }]
 *   anchors <key>             the core's receipts' secondary anchors: [{ length, name, root, txHash }]
 *   exit                      close cleanly
 * Run with: node -r ts-node/register/transpile-only test/support/service-child.ts
 */
import { createInterface } from 'node:readline'
import { loadConfig } from '../../src/config'
import { faultFromEnv } from '../../src/sealer'
import { HypersealService } from '../../src/service'

async function main (): Promise<void> {
  const config = loadConfig({ env: { HYPERSEAL_CHAIN_PORT: '0', ...process.env, HYPERSEAL_REPLICATION_PORT: '0', HYPERSEAL_PORT: '0' } })
  const service = await HypersealService.open(config, { fault: faultFromEnv(), updateTimeoutMs: 2000 })
  const say = (msg: unknown): void => { process.stdout.write(JSON.stringify(msg) + '\n') }
  say({ ready: true, contract: service.info().contract, rpc: service.rpcUrl, recovered: (await service.ready()).checks.recovery.ok })
  for await (const line of createInterface({ input: process.stdin })) {
    const [cmd, ...args] = line.trim().split(/\s+/)
    try {
      if (cmd === 'watch') say((await service.watchCore(args[0], [args[1]])).core)
      else if (cmd === 'seal') say(await service.sealNow())
      else if (cmd === 'receipts') say((await service.coreReceipts(args[0])).map((r) => ({ length: r.receipt.head.length, root: r.receipt.seal.root })))
      else if (cmd === 'batches') say((await service.listBatches({})).map((b) => ({ root: b.root, leafCount: b.leafCount })))
      else if (cmd === 'verify') {
        const v = await service.verify(args[0], Number(args[1]))
        say({ status: v.status, reason: v.reason })
      } else if (cmd === 'cores') say((await service.listCores()).map((c) => ({ key: c.key, length: c.length, fork: c.fork, stale: c.stale })))
      else if (cmd === 'anchor') say((await service.anchorNow([args[0]])).map((r) => ({ name: r.name, ok: r.ok })))
      else if (cmd === 'anchors') {
        say((await service.coreReceipts(args[0])).flatMap((r) => (r.receipt.anchors ?? []).flatMap((a) => (a.type === 'evm' ? [{ length: r.receipt.head.length, name: a.name, root: a.seal.root, txHash: a.seal.txHash }] : []))))
      } else if (cmd === 'exit') break
      else say({ error: `unknown command ${cmd}` })
    } catch (err) {
      say({ error: (err as Error).message, code: (err as { code?: string }).code })
    }
  }
  await service.close()
  process.exit(0) // stdin stays open in the parent's pipe; exit once closed cleanly
}

main().catch((err: unknown) => {
  process.stderr.write(`service-child failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
