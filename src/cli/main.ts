import { Command } from 'commander'
import { VERSION } from '../version'
import { registerAlerts } from './alerts'
import { registerAnchor } from './anchor'
import { registerDemo } from './demo'
import { registerDeploy } from './deploy'
import { runProgram } from './exit'
import { EXIT_HELP } from './exit-codes'
import { registerProve } from './prove'
import { registerReceipts } from './receipts'
import { registerReport } from './report'
import { registerSeal } from './seal'
import { registerStart } from './start'
import { registerStatus } from './status'
import { registerTrust } from './trust'
import { registerUnwatch } from './unwatch'
import { registerVerify } from './verify'
import { registerVerifyProof } from './verify-proof'
import { registerWatch } from './watch'


export function buildProgram (): Command {
  const program = new Command('hyperseal')
    .description('Seal Hypercore heads on an EVM chain; prove later what a log held, or that it was rewound or forked.')
    .version(VERSION)
    .showHelpAfterError(false)
    // `report verify --key` is a signer's key, `report --key` a core: each command's options are its own.
    .enablePositionalOptions()
    // After the help of the program and of every command: one scheme for all of them.
    .addHelpText('afterAll', EXIT_HELP)
  registerStart(program)
  registerWatch(program)
  registerUnwatch(program)
  registerSeal(program)
  registerAnchor(program)
  registerStatus(program)
  registerReport(program)
  registerReceipts(program)
  registerVerify(program)
  registerProve(program)
  registerVerifyProof(program)
  registerTrust(program)
  registerDeploy(program)
  registerDemo(program)
  registerAlerts(program)
  return program
}

/** The `hyperseal` command (bin/hyperseal.js). */
export function main (argv: readonly string[]): void {
  runProgram(buildProgram(), argv).then((code) => {
    process.exitCode = code
  }, (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).message}\n`)
    process.exitCode = 1
  })
}
