import { DynamicModule, FactoryProvider, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AsyncApiController } from './asyncapi.controller';
import { ServiceConfig } from '@calm/config';
import { HealthController } from './health.controller';
import { defaultLogLevel, loggerParams } from './logging';
import { MetricsController } from './metrics.controller';
import { ReadinessProbes } from './readiness';
import { ServiceMetrics } from './service-metrics';

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

export interface PlatformOptions {
  config: ServiceConfig;
  /** Builds the readiness probes from the service's own providers (database, NATS). */
  readiness: Omit<FactoryProvider<ReadinessProbes>, 'provide'>;
}

/** Logs (pino), health (terminus), metrics (prom-client) for one service, as global providers. */
@Module({})
export class PlatformModule {
  static forRoot({ config, readiness }: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams(config.service, config.logLevel ?? defaultLogLevel())),
        // Terminus would log every failed probe; the part that is down logs its own outage.
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, MetricsController, AsyncApiController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        {
          provide: ServiceMetrics,
          useFactory: () => new ServiceMetrics(config.service, config.limits?.metricsRefreshMs).withBuildInfo(config.commit ?? 'unknown'),
        },
        { provide: ReadinessProbes, ...readiness },
      ],
      exports: [PLATFORM_CONFIG, ServiceMetrics, ReadinessProbes],
    };
  }
}
