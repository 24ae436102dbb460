import type { ChildProcess } from 'node:child_process'

// Children that must not outlive this process. On exit they get SIGTERM (anvil then writes its
// state and quits). On SIGINT/SIGTERM/SIGHUP, when nobody else handles the signal, they get
// SIGTERM and the signal is raised again so the process still dies of it as it would have.
// A SIGKILL of this process cannot be caught: the launcher's pid file covers that case.

const children = new Set<ChildProcess>()
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

function terminateAll (): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  }
}

function onSignal (signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return // the application shuts down on its own
  terminateAll()
  uninstall()
  process.kill(process.pid, signal)
}

function install (): void {
  process.on('exit', terminateAll)
  for (const s of SIGNALS) process.on(s, onSignal)
}

function uninstall (): void {
  process.removeListener('exit', terminateAll)
  for (const s of SIGNALS) process.removeListener(s, onSignal)
}

export function guardChild (child: ChildProcess): void {
  if (children.size === 0) install()
  children.add(child)
}

export function releaseChild (child: ChildProcess): void {
  if (!children.delete(child)) return
  if (children.size === 0) uninstall()
}
