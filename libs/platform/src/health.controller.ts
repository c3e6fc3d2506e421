import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessProbes } from './readiness';

const PROBE_TIMEOUT_MS = 3000;

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
      try {
        await withTimeout(probe(), PROBE_TIMEOUT_MS);
        return session.up();
      } catch (err) {
        return session.down({ message: (err as Error)?.message ?? String(err) });
      }
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

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
