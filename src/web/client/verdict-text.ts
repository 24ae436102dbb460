/** The verifier's results in a person's words: what each check is, and what a verdict proves. */
import type { CheckName, Verdict, VerdictStatus } from '../../verify'

export const CHECK_LABELS: Record<CheckName, string> = {
  receipts: 'The receipts are of this core and well-formed',
  incidents: 'Every recorded incident is signed evidence',
  signature: 'The writer\'s key signed this history',
  inclusion: 'This head is in the sealed batch',
  trust: 'The chain and contract are the ones the trust root names',
  contract: 'The contract\'s code is HyperSeal\'s',
  sealed: 'The batch root is sealed on chain',
  block: 'The block is canonical and has the sealed time',
  transaction: 'The sealing transaction succeeded with its Sealed log',
  finality: 'The seal is final',
  replica: 'The replica holds the sealed history',
  anchor: 'A later clock (another chain, a time-stamp) covers the batch'
}

export const STATUS_WORDS: Record<VerdictStatus, { title: string, tone: 'good' | 'wait' | 'bad' }> = {
  verified: { title: 'Verified', tone: 'good' },
  pending: { title: 'Pending', tone: 'wait' },
  behind: { title: 'Behind', tone: 'wait' },
  rewind: { title: 'Rewind', tone: 'bad' },
  fork: { title: 'Fork', tone: 'bad' },
  invalid: { title: 'Invalid', tone: 'bad' }
}

const WITHHELD = 'Receipts and incidents came from the service: it could leave out an incident recorded after this seal, which the verify of the hyperseal CLI sees by reading the public receipts log as a second witness.'

/** One short paragraph: what this verdict proves, and what it does not. */
export function meaningOf (v: Verdict): { proves: string, doesNot: string } {
  const blocks = `blocks 0–${(v.version - 1).toLocaleString('en-US')}`
  const chain = v.chain === null ? 'the chain' : `chain ${v.chain.chainId}`
  const dev = v.chain?.embedded === true ? ' This is an embedded development chain: its local administrator can rewrite it.' : ''
  switch (v.status) {
    case 'verified':
      return {
        proves: `The ${blocks} of this core existed exactly as they are now no later than ${v.sealedAt ?? 'the seal'}: the writer's key signed them, their root is sealed on ${chain} in the contract your trust root names, and the replica still holds them.${v.final ? '' : ' The seal is not final yet: a reorganisation could still remove it.'}`,
        doesNot: `That the data is true or harmless, who holds the writer's key, or anything about blocks after the version. ${WITHHELD}${dev}`
      }
    case 'pending':
      return { proves: 'Nothing yet: no seal covers this version; the writer appended it after the latest seal.', doesNot: `That the data is wrong: a later seal may cover it. ${WITHHELD}` }
    case 'behind':
      return { proves: 'Nothing yet: the replica is shorter than the seal that covers this version.', doesNot: 'That anything is wrong: the replica may still catch up.' }
    case 'rewind':
      return { proves: 'The writer withdrew sealed history: the core was truncated below a seal and rewritten, or the replica holds history the writer replaced. Both signed heads are the evidence.', doesNot: `Which of the two histories a reader should trust; only that they differ after the point shown.${dev}` }
    case 'fork':
      return { proves: 'The writer\'s key signed two different histories of this core: readers can be shown different data under one key. Both signatures are the evidence.', doesNot: `Who signed the second history (the key may have been copied).${dev}` }
    case 'invalid':
      return { proves: 'Some evidence failed its check (the failed check is named below): the service, the RPC endpoint or a file gave something that does not hold up.', doesNot: 'Anything about the core: do not rely on this version until it verifies, perhaps through another RPC endpoint or the hyperseal CLI.' }
  }
}
