/**
 * Exit codes of the `hyperseal` command, and the one way errors leave it: one line on stderr
 * (`error: …`), or one JSON line with --json, and the exit code below.
 *
 *   0  done
 *   1  the service reported a failure (or something unexpected broke)
 *   2  bad input or usage (checked locally, or a 400 from the service)
 *   3  the service is unreachable (refused, timed out)
 *
 * `main` assembles the program and calls `runProgram(program, argv)`, which makes commander's
 * own usage errors exit 2 with one line (exitOverride) and returns the exit code. Each
 * command's action runs inside `runCommand`, which prints its error and sets process.exitCode.
 */
import { CommanderError, type Command } from 'commander'
import { ConfigError } from '../config'
import { HeadsError } from '../heads'
import { CliError } from './errors'

export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, UNREACHABLE: 3 } as const

/** One line, whatever the message holds (commander's suggestions come on a second line). */
export function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

export function exitCodeOf (err: unknown): number {
  if (err instanceof CommanderError) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? EXIT.OK : EXIT.USAGE
  }
  if (err instanceof CliError) {
    switch (err.code) {
      case 'BAD_INPUT':
      case 'NO_TOKEN':
        return EXIT.USAGE
      case 'UNREACHABLE':
        return EXIT.UNREACHABLE
      case 'SERVICE_ERROR':
        return err.status === 400 ? EXIT.USAGE : EXIT.FAILURE
      case 'BAD_ANSWER':
        return EXIT.FAILURE
    }
  }
  // Local validation of keys and peers (parseKey/parsePeer), and of configuration values.
  if (err instanceof HeadsError && (err.code === 'BAD_KEY' || err.code === 'BAD_PEER' || err.code === 'BAD_LENGTH')) return EXIT.USAGE
  if (err instanceof ConfigError) return EXIT.USAGE
  return EXIT.FAILURE
}

/** The error's code for --json output: the service's own code when it answered one. */
function codeOf (err: unknown): string {
  if (err instanceof CliError) return err.serviceCode ?? err.code
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'FAILED'
}

export function printError (err: unknown, json: boolean): void {
  const message = oneLine(err instanceof Error ? err.message : String(err))
  process.stderr.write(json ? JSON.stringify({ error: { code: codeOf(err), message } }) + '\n' : `error: ${message}\n`)
}

/** Runs a command's body: on failure, prints one line and sets the exit code (never throws). */
export async function runCommand (opts: { json?: boolean }, body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } catch (err) {
    printError(err, opts.json === true)
    process.exitCode = exitCodeOf(err)
  }
}

/** Commander's usage errors throw instead of exiting, on one line, on every (sub)command. */
export function applyExitPolicy (cmd: Command): void {
  cmd.exitOverride()
  cmd.configureOutput({ outputError: (str, write) => write(`${oneLine(str)}\n`) })
  for (const sub of cmd.commands) applyExitPolicy(sub)
}

/** Parses and runs; returns the exit code (usage errors 2, help 0, else the command's). */
export async function runProgram (program: Command, argv: readonly string[]): Promise<number> {
  applyExitPolicy(program)
  try {
    await program.parseAsync(argv as string[])
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK
  } catch (err) {
    // Commander has printed its one line already; anything else escaped a command's runCommand.
    if (!(err instanceof CommanderError)) printError(err, false)
    return exitCodeOf(err)
  }
}
