import { schedule as cronSchedule, type ScheduledTask } from 'node-cron'
import { errInfo, type Logger } from '../util'
import { SealerError } from './errors'

/**
 * Calls `pass` on the cron `expression`. A tick that finds a pass still running is skipped (the
 * running pass covers it); a failed pass is logged and the next tick retries — its batch is in
 * the journal, so nothing is lost in between.
 */
export function scheduleSealPasses (expression: string, pass: () => Promise<unknown>, logger: Logger): { stop: () => Promise<void> } {
  const task: ScheduledTask = cronSchedule(expression, async () => {
    try {
      await pass()
    } catch (err) {
      if (err instanceof SealerError && err.code === 'PASS_RUNNING') {
        logger.info({}, 'scheduled seal pass skipped: the previous one is still running')
        return
      }
      logger.error({ err: errInfo(err) }, 'scheduled seal pass failed; its batch stays journaled and the next tick retries')
    }
  }, { noOverlap: false })
  return {
    stop: async () => {
      await task.stop()
      await task.destroy()
    }
  }
}
