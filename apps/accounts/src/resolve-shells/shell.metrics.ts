import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { ServiceMetrics } from '@calm/nest-platform';
import { SweepReport } from './shell-sweep';

/**
 * What the sweeps did, per instance: customer ids resolved by the owner (created or
 * sealed) and asked about without a decision (the owner down, a timeout: asked again
 * later). The age of the oldest shell is a gauge of stored state (GET /metrics, issue 11).
 */
@Injectable()
export class ShellMetrics {
  private readonly resolutions: Counter<'outcome'>;
  private readonly sweeps: Counter;

  constructor(metrics: ServiceMetrics) {
    this.resolutions = metrics.counter('calm_shell_resolutions_total', 'Customer ids of stale shells asked about, by outcome (created, sealed, undecided)', [
      'outcome',
    ]);
    this.sweeps = metrics.counter('calm_shell_sweeps_total', 'Shell sweeps run by this process');
  }

  record(report: SweepReport): void {
    this.sweeps.inc();
    this.resolutions.inc({ outcome: 'created' }, report.created.length);
    this.resolutions.inc({ outcome: 'sealed' }, report.sealed.length);
    this.resolutions.inc({ outcome: 'undecided' }, report.undecided.length);
  }
}
