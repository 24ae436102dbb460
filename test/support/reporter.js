'use strict'
// Mocha's spec reporter, plus one closing line in the plain form CI reads in any language:
// "N passed, N failed" (", N skipped" when some were pending). With HYPERSEAL_TEST_TIMES=<file>
// it also writes each test file's summed test time (JSON, slowest first): what
// test/support/test-times.json (the order of the parallel run; hardhat.config.ts) is made from.
const { writeFileSync } = require('node:fs')
const { relative } = require('node:path')
const Mocha = require('mocha')

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL } = Mocha.Runner.constants

class Reporter extends Mocha.reporters.Spec {
  constructor (runner, options) {
    super(runner, options)
    const times = new Map()
    const add = (test) => {
      if (test.file === undefined || typeof test.duration !== 'number') return
      const file = relative(process.cwd(), test.file)
      times.set(file, (times.get(file) ?? 0) + test.duration)
    }
    runner.on(EVENT_TEST_PASS, add)
    runner.on(EVENT_TEST_FAIL, add)
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 }
      const skipped = s.pending ? `, ${s.pending} skipped` : ''
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed${skipped}\n`)
      const out = process.env.HYPERSEAL_TEST_TIMES
      if (out) {
        const sorted = [...times].sort((a, b) => b[1] - a[1]).map(([file, ms]) => ({ file, seconds: Math.round(ms / 100) / 10 }))
        writeFileSync(out, JSON.stringify(sorted, null, 1) + '\n')
      }
    })
  }
}

module.exports = Reporter
