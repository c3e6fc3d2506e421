import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { PlatformModule, ReadinessProbes } from '@calm/nest-platform';
import { ServiceConfig } from '@calm/config';
import { ONBOARDING_DESIGN, OnboardingDesign } from './onboarding-design';
import { ScenariosHttpController } from './scenarios.http.controller';

/** Closes the design's clients and pools when the app closes (SIGTERM). */
class DesignShutdown implements OnApplicationShutdown {
  constructor(@Inject(ONBOARDING_DESIGN) private readonly design: OnboardingDesign) {}

  onApplicationShutdown(): Promise<void> {
    return this.design.close();
  }
}

/**
 * The onboarding coordinator of the coordination bench: the product's platform (pino
 * logs, metrics, health, the same HTTP app) around one design. It owns no service data:
 * it reaches the services over HTTP only.
 */
@Module({})
export class OnboardingModule {
  static forRoot(config: ServiceConfig, design: OnboardingDesign): DynamicModule {
    return {
      module: OnboardingModule,
      imports: [PlatformModule.forRoot({ config, readiness: { useFactory: () => new ReadinessProbes() } })],
      controllers: [ScenariosHttpController],
      providers: [{ provide: ONBOARDING_DESIGN, useValue: design }, DesignShutdown],
    };
  }
}
