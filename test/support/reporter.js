'use strict'
// Mocha's spec reporter, plus one closing line in the plain form CI reads in any language:
// "N passed, N failed" (", N skipped" when some were pending).
const Mocha = require('mocha')

class Reporter extends Mocha.reporters.Spec {
  constructor (runner, options) {
    super(runner, options)
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 }
      const skipped = s.pending ? `, ${s.pending} skipped` : ''
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed${skipped}\n`)
    })
  }
}

module.exports = Reporter
