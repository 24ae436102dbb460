import type { CoreView, PassResult, ServiceInfo } from '../api'
import { rpcOrigin } from '../chain'
import type { Config } from '../config'
import { VERSION } from '../version'
import type { WatchedInfo } from '../heads'
import type { LastSeal, StaleMark, WatchEntry } from '../ledger'
import type { PassOutcome } from '../sealer'
import type { ChainConnection } from './chain-connect'


/** What the service says of itself (`GET /v1/status`, the trust root, `hyperseal status`). */
export function serviceInfo (chain: ChainConnection, config: Config, receiptsLog: string, reportKey: string): ServiceInfo {
  return {
    version: VERSION,
    chainId: chain.chainId,
    contract: chain.contract,
    sealer: chain.client.signerAddress,
    receiptsLog,
    schedule: config.schedule,
    confirmations: config.confirmations,
    embeddedChain: chain.embedded !== null,
    // Never a configured URL itself: it may carry credentials.
    rpc: chain.embedded?.rpcUrl ?? rpcOrigin(config.rpc ?? ''),
    reportKey
  }
}

export function coreView (entry: WatchEntry, replica: WatchedInfo | undefined, last: LastSeal | null, stale: StaleMark | null): CoreView {
  return {
    key: entry.key,
    peers: entry.peers,
    length: replica?.length ?? 0,
    fork: replica?.fork ?? 0,
    addedAt: entry.addedAt,
    label: entry.label ?? null,
    lastSeal: last === null
      ? null
      : {
          length: last.length,
          fork: last.fork,
          root: last.root,
          sealedAt: new Date(last.sealedAt * 1000).toISOString()
        },
    stale
  }
}

export function passResult (outcome: PassOutcome): PassResult {
  const b = outcome.batch
  return {
    batch: b === null
      ? null
      : {
          root: b.root,
          leafCount: b.leafCount,
          txHash: b.seal.txHash,
          blockNumber: b.seal.blockNumber,
          sealedAt: new Date(b.seal.timestamp * 1000).toISOString(),
          final: true,
          heads: b.heads
        },
    recovered: outcome.recovered,
    resealed: outcome.resealed,
    skipped: outcome.skipped,
    incidents: outcome.incidents,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt
  }
}
