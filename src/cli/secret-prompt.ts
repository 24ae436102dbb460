import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'

/**
 * Asks for a secret on the terminal without echoing it. Only when stdin is a terminal: a script
 * must pass the secret in the environment, never be left waiting on a prompt nobody sees.
 */
export async function promptSecret (question: string): Promise<string | null> {
  if (process.stdin.isTTY !== true) return null
  let muted = false
  const output = new Writable({
    write (chunk: Buffer, _encoding, done): void {
      if (!muted) process.stderr.write(chunk)
      done()
    }
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer))
      muted = true
    })
  } finally {
    rl.close()
    process.stderr.write('\n')
  }
}
