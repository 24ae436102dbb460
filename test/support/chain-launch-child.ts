// Run as a child process by test/chain/embedded.test.ts: starts the embedded chain, prints its
// pid and address as one JSON line (on port argv[4], default any), then exits without stop() ('exit') or waits to be killed ('hang').
import { startEmbeddedChain } from '../../src/chain'

const [dataDir, mode, port] = process.argv.slice(2)
startEmbeddedChain({ dataDir, port: Number(port ?? 0) }).then((chain) => {
  process.stdout.write(JSON.stringify({ pid: chain.pid, address: chain.contractAddress }) + '\n')
  if (mode === 'exit') process.exit(0)
  setInterval(() => {}, 60_000)
}, (err: unknown) => {
  process.stderr.write(String(err) + '\n')
  process.exit(1)
})
