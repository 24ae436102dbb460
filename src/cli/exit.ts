/**
 * The one way errors leave the `hyperseal` command: one line on stderr (`error: …`), or one
 * JSON line with --json, and the exit code of exit-codes.ts (the table; the scheme is there).
 *
 * `main` assembles the program and calls `runProgram(program, argv)`, which makes commander's
 * own usage errors exit 2 with one line (exitOverride) and returns the exit code. Each
 * command's action runs inside `runCommand`, which prints its error and sets process.exitCode.
 */
import { CommanderError, type Command } from 'commander'
import { CliError } from './errors'
import { EXIT, exitCodeOf } from './exit-codes'

/** One line, whatever the message holds (commander's suggestions come on a second line). */
export function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
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
