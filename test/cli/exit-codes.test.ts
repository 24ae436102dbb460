import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CommanderError } from 'commander'
import { ChainError } from '../../src/chain'
import { CliError } from '../../src/cli/errors'
import {
  CHAIN_EXIT, CLI_EXIT, CONFIG_EXIT, DOMAIN_EXITS, EXIT, EXIT_HELP, HEADS_EXIT, LEDGER_EXIT, PROOF_EXIT, SEAL_EXIT, SEALER_EXIT,
  STRUCTURE_EXIT, TRUST_EXIT, VERDICT_EXIT, VERIFY_EXIT, exitCodeOf, exitOfVerdict
} from '../../src/cli/exit-codes'
import { ConfigError } from '../../src/config'
import { HeadsError } from '../../src/heads'
import { LedgerError } from '../../src/ledger'
import { SealError } from '../../src/seal'
import { SealerError } from '../../src/sealer'
import { TrustError } from '../../src/trust'
import { StructureError } from '../../src/structures'
import { ProofError } from '../../src/proof'
import { VerifyError } from '../../src/verify'
import type { CodedError } from '../../src/util'

// Each domain's real class with its table: exitCodeOf finds a table by the class's name, so this
// checks every name in DOMAIN_EXITS against the class that throws, code by code.
const CLASSES: Array<[new (code: never, message: string) => CodedError<string>, Readonly<Record<string, number>>]> = [
  [CliError, CLI_EXIT],
  [ChainError, CHAIN_EXIT],
  [HeadsError, HEADS_EXIT],
  [LedgerError, LEDGER_EXIT],
  [ConfigError, CONFIG_EXIT],
  [VerifyError, VERIFY_EXIT],
  [SealError, SEAL_EXIT],
  [SealerError, SEALER_EXIT],
  [TrustError, TRUST_EXIT],
  [StructureError, STRUCTURE_EXIT],
  [ProofError, PROOF_EXIT]
]

describe('exit codes: one table for every command (src/cli/exit-codes.ts)', () => {
  it('maps every code of every domain through its own table, recognising the real error classes', () => {
    expect(DOMAIN_EXITS.map((d) => d.name)).to.have.members(CLASSES.map(([cls]) => cls.name))
    for (const [cls, table] of CLASSES) {
      for (const [code, exit] of Object.entries(table)) {
        expect(exitCodeOf(new cls(code as never, 'x')), `${cls.name} ${code}`).to.equal(exit)
      }
    }
  })

  it('follows the scheme: 2 bad input, 4 unreachable (service, RPC or peer), 1 a failure, 0 help', () => {
    const cases: Array<[unknown, number]> = [
      [new CliError('BAD_INPUT', 'x'), 2],
      [new CliError('NO_TOKEN', 'x'), 2],
      [new CliError('BAD_INPUT', 'x', { status: 400, serviceCode: 'BAD_KEY' }), 2],
      [new CliError('UNREACHABLE', 'x'), 4],
      [new CliError('SERVICE_UNAVAILABLE', 'x', { status: 503, serviceCode: 'RPC_UNREACHABLE' }), 4],
      [new CliError('SERVICE_ERROR', 'x', { status: 409, serviceCode: 'PASS_RUNNING' }), 1],
      [new CliError('BAD_ANSWER', 'x'), 1],
      [new ChainError('RPC_UNREACHABLE', 'x'), 4],
      [new ChainError('RPC_TIMEOUT', 'x'), 4],
      [new ChainError('INVALID_CONFIG', 'x'), 2],
      [new ChainError('CHAIN_ID_MISMATCH', 'x'), 2],
      [new ChainError('REVERTED_OTHER', 'x'), 1],
      [new HeadsError('BAD_KEY', 'x'), 2],
      [new HeadsError('BAD_PEER', 'x'), 2],
      [new HeadsError('UPDATE_TIMEOUT', 'x'), 4],
      [new ConfigError('INVALID_VALUE', 'x'), 2],
      [new VerifyError('BAD_INPUT', 'x'), 2],
      [new CommanderError(1, 'commander.unknownOption', 'x'), 2],
      [new CommanderError(1, 'commander.help', '(outputHelp)'), 2],
      [new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 0],
      [new CommanderError(0, 'commander.version', '0.1.0'), 0],
      [new Error('x'), 1],
      [new TypeError('Cannot read properties of undefined'), 1],
      ['a string', 1],
      [undefined, 1]
    ]
    for (const [err, code] of cases) expect(exitCodeOf(err), String((err as Error)?.message ?? err)).to.equal(code)
  })

  it('does not take a plain error for a domain error because of its name or code', () => {
    const fake = Object.assign(new Error('x'), { name: 'CliError', code: 'BAD_INPUT' })
    expect(exitCodeOf(fake)).to.equal(EXIT.FAILED)
    // A code outside the domain's table (an error built around the types) is a failure.
    expect(exitCodeOf(new CliError('NOT_A_CODE' as never, 'x'))).to.equal(EXIT.FAILED)
  })

  it('maps verdicts: verified 0; rewind, fork, invalid 1; pending, behind 3', () => {
    expect(VERDICT_EXIT).to.deep.equal({ verified: 0, rewind: 1, fork: 1, invalid: 1, pending: 3, behind: 3 })
    for (const [status, code] of Object.entries(VERDICT_EXIT)) expect(exitOfVerdict(status as keyof typeof VERDICT_EXIT)).to.equal(code)
  })

  it('says the scheme once: the help epilogue is the table of docs/cli.md, and every code is in it', () => {
    const doc = readFileSync(join(__dirname, '../../docs/cli.md'), 'utf8')
    const rows = [...doc.matchAll(/^\| (\d) \| (.+) \|$/gm)].map((m) => `  ${m[1]}  ${m[2]}`)
    const epilogue = EXIT_HELP.trim().split('\n').slice(1)
    expect(rows).to.deep.equal(epilogue)
    expect(rows.map((r) => Number(r.trim()[0]))).to.deep.equal(Object.values(EXIT))
  })
})
