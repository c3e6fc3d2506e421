import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessProbe, ReadinessProbes } from './readiness';
import { redactUrlCredentials } from '@calm/config';
import { OperatorReason } from '@calm/pg';

const PROBE_TIMEOUT_MS = 3000;
const logger = new Logger('Health');

/**
 * One probe's outcome as /health/ready shows it. The endpoint is open to anyone (no API
 * token), so a failure shows only which part is down and whether it answered, never the
 * driver's text (host names, ports, user names); the detail goes to the log.
 */
export async function probeOutcome(name: string, probe: ReadinessProbe, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ up: true } | { up: false; message: string }> {
  try {
    await withTimeout(probe(), timeoutMs);
    return { up: true };
  } catch (err) {
    const timedOut = err instanceof ProbeTimeout;
    logger.debug(`readiness: ${name} down: ${redactUrlCredentials((err as Error)?.message ?? String(err))}`);
    const reason = operatorReason(err);
    return { up: false, message: timedOut ? `no answer in ${timeoutMs} ms` : `${name} is unavailable${reason ? `: ${reason}` : ''}` };
  }
}

/** The text of an OperatorReason in an error or the reason it carries (DatabaseUnavailableError), else nothing. */
function operatorReason(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 3; e = (e as { reason?: unknown }).reason, depth++) if (e instanceof OperatorReason) return e.message;
  return undefined;
}

/** Liveness and readiness through @nestjs/terminus; both exempt from API_TOKENS. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(ReadinessProbes) private readonly probes: ReadinessProbes,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: database, NATS and (accounts) the event consumer' })
  @ApiResponse({ status: 503, description: 'a part is down; `message` and `error` name it' })
  async ready(): Promise<HealthCheckResult> {
    const checks = this.probes.entries().map(([name, probe]) => async () => {
      const session = this.indicators.check(name);
      const outcome = await probeOutcome(name, probe);
      return outcome.up ? session.up() : session.down({ message: outcome.message });
    });
    try {
      return await this.health.check(checks);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({ message: `not ready: ${down.join(', ')} down`, ...result });
    }
  }
}

class ProbeTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ProbeTimeout(`no answer in ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
