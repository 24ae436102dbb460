import { ChainError } from './errors'

// @foundry-rs/anvil ships the binary in one optional package per platform and a Node wrapper
// (bin.mjs) that picks it. We spawn the binary itself: through the wrapper, a SIGKILL would hit
// the wrapper and leave anvil running, and the pid we hold would not be anvil's.

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64/bin/anvil',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64/bin/anvil',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64/bin/anvil',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64/bin/anvil',
  'win32-x64': '@foundry-rs/anvil-win32-amd64/bin/anvil.exe'
}

export interface AnvilCommand {
  command: string
  /** Arguments before anvil's own (the wrapper's path when falling back to it). */
  prefix: string[]
  /** True when running through the Node wrapper (signals are forwarded, SIGKILL is not). */
  wrapped: boolean
}

export function resolveAnvilCommand (platform: string = process.platform, arch: string = process.arch,
  resolve: (id: string) => string = require.resolve): AnvilCommand {
  const pkg = PLATFORM_PACKAGES[`${platform}-${arch}`]
  if (pkg !== undefined) {
    try {
      return { command: resolve(pkg), prefix: [], wrapped: false }
    } catch {
      // Not installed for this platform: try the wrapper below.
    }
  }
  try {
    return { command: process.execPath, prefix: [resolve('@foundry-rs/anvil/bin.mjs')], wrapped: true }
  } catch {
    throw new ChainError('ANVIL_FAILED', `No anvil binary for ${platform}-${arch}: install @foundry-rs/anvil (npm install) or pass --rpc to use another chain.`)
  }
}
