import type { Command } from 'commander'
import type { ConfigInput } from '../config'
import { errInfo } from '../util'
import { runCommand } from './exit'

interface StartOptions {
  config?: string
  data?: string
  host?: string
  port?: string
  replicationPort?: string
  rpc?: string
  contract?: string
  schedule?: string
  confirmations?: string
  logLevel?: string
  json?: boolean
}

/**
 * `hyperseal start`: the service — API, replication listener and seal schedule — on the
 * embedded chain unless HYPERSEAL_RPC / --rpc is set. Runs until SIGINT or SIGTERM, then
 * stops the schedule, lets a running pass finish, and closes everything (anvil included).
 */
export function registerStart (program: Command): void {
  program.command('start')
    .description('start the service: HTTP API, replication listener and the seal schedule (embedded local chain by default)')
    .option('--config <file>', 'JSON config file (same fields as the variables, camelCase)')
    .option('--data <dir>', 'data directory (HYPERSEAL_DATA, default ./.hyperseal)')
    .option('--host <host>', 'API host (HYPERSEAL_HOST, default 127.0.0.1)')
    .option('--port <port>', 'API port (HYPERSEAL_PORT, default 8480)')
    .option('--replication-port <port>', 'replication port (HYPERSEAL_REPLICATION_PORT, default 8481)')
    .option('--rpc <url>', 'EVM JSON-RPC URL (HYPERSEAL_RPC; default: embedded anvil)')
    .option('--contract <address>', 'HyperSeal contract address (HYPERSEAL_CONTRACT)')
    .option('--schedule <cron>', 'cron expression of seal passes (HYPERSEAL_SCHEDULE, default every minute)')
    .option('--confirmations <n>', 'confirmations before a seal is final (HYPERSEAL_CONFIRMATIONS, default 1)')
    .option('--log-level <level>', 'trace, debug, info, warn, error or fatal', 'info')
    .action(async (opts: StartOptions) => runCommand(opts, async () => {
      // Loaded here, not above: declaring the command must stay cheap (`--help`).
      const { apiLimits, buildApp, createLogger } = await import('../api')
      const { loadConfig, redactConfig } = await import('../config')
      const { faultFromEnv } = await import('../sealer')
      const { HypersealService } = await import('../service')
      const flags: ConfigInput & { config?: string } = {
        config: opts.config,
        dataDir: opts.data,
        host: opts.host,
        port: opts.port,
        replicationPort: opts.replicationPort,
        rpc: opts.rpc,
        contract: opts.contract,
        schedule: opts.schedule,
        confirmations: opts.confirmations
      }
      const config = loadConfig({ flags })
      const logger = createLogger({ level: opts.logLevel ?? 'info' })
      logger.info({ config: redactConfig(config) }, 'starting Hyperseal')
      const service = await HypersealService.open(config, { logger, fault: faultFromEnv() })
      const app = buildApp({ service, adminToken: service.adminToken, auditorToken: service.auditorToken, logger, metrics: service.registry, ...apiLimits(config) })
      try {
        await app.listen({ host: config.host, port: config.port })
      } catch (err) {
        await service.close()
        throw err
      }
      service.startSchedule()
      const address = app.server.address()
      const url = typeof address === 'object' && address !== null ? `http://${config.host}:${address.port}` : String(address)
      const info = service.info()
      logger.info({ api: url, contract: info.contract, chainId: info.chainId, receiptsLog: info.receiptsLog, schedule: info.schedule }, 'Hyperseal is running')
      process.stderr.write(`Hyperseal ${info.version} is running\n` +
        `  API            ${url}  (admin token: HYPERSEAL_ADMIN_TOKEN or ${config.dataDir}/admin-token; auditor token: HYPERSEAL_AUDITOR_TOKEN or ${config.dataDir}/auditor-token)\n` +
        `  pages          ${url}/ (dashboard) and ${url}/verify (verifier)\n` +
        `  chain          ${info.embeddedChain ? 'embedded anvil' : 'remote'} ${service.rpcUrl ?? ''} (chain ${info.chainId})\n` +
        `  contract       ${info.contract}\n` +
        `  receipts log   ${info.receiptsLog}\n` +
        `  schedule       ${info.schedule}\n` +
        '  stop with Ctrl-C\n')
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          logger.info({ signal }, 'stopping Hyperseal')
          resolve()
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await app.close().catch((err: unknown) => logger.error({ err: errInfo(err) }, 'API did not close cleanly'))
      await service.close()
      logger.info({}, 'Hyperseal stopped')
    }))
}
