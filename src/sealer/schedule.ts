import { schedule as cronSchedule, type ScheduledTask } from 'node-cron'
import { errInfo, type Logger } from '../util'
import { SealerError } from './errors'

export interface Schedule { stop: () => Promise<void> }

/** Calls `task` on the cron `expression`; a tick that throws is logged (`what` names the task) and the next tick runs anew. */
function onCron (expression: string, task: () => Promise<unknown>, logger: Logger, what: string, failed: string): Schedule {
  const cron: ScheduledTask = cronSchedule(expression, async () => {
    try {
      await task()
    } catch (err) {
      if (err instanceof SealerError && err.code === 'PASS_RUNNING') {
        logger.info({}, `${what} skipped: the previous one is still running`)
        return
      }
      logger.error({ err: errInfo(err) }, `${what} failed; ${failed}`)
    }
  }, { noOverlap: false })
  return {
    stop: async () => {
      await cron.stop()
      await cron.destroy()
    }
  }
}

/**
 * Calls `pass` on the cron `expression`. A tick that finds a pass still running is skipped (the
 * running pass covers it); a failed pass is logged and the next tick retries — its batch is in
 * the journal, so nothing is lost in between.
 */
export function scheduleSealPasses (expression: string, pass: () => Promise<unknown>, logger: Logger): Schedule {
  return onCron(expression, pass, logger, 'scheduled seal pass', 'its batch stays journaled and the next tick retries')
}

/**
 * Calls `run` on each anchor's own cron expression. `run` waits for the single flight (an hourly
 * anchor's tick meets the every-minute pass often; it must not be skipped) and reports a failed
 * anchor itself; what reaches the log here is only the service closing.
 */
export function scheduleAnchors (anchors: ReadonlyArray<{ name: string, schedule: string }>, run: (name: string) => Promise<unknown>, logger: Logger): Schedule {
  const crons = anchors.map((a) => onCron(a.schedule, async () => await run(a.name), logger, `scheduled run of anchor ${a.name}`, 'its next tick covers the same batches'))
  return { stop: async () => { for (const c of crons) await c.stop() } }
}
