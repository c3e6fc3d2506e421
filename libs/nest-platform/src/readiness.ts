/** Named checks behind /health/ready; each throws (with a reason) while its part is down. */
export type ReadinessProbe = () => Promise<void>;

export class ReadinessProbes {
  private readonly probes = new Map<string, ReadinessProbe>();

  constructor(initial: Record<string, ReadinessProbe> = {}) {
    for (const [name, probe] of Object.entries(initial)) this.add(name, probe);
  }

  /** Parts that exist only after the app is built (the event consumer) register late. */
  add(name: string, probe: ReadinessProbe): this {
    this.probes.set(name, probe);
    return this;
  }

  entries(): [string, ReadinessProbe][] {
    return [...this.probes.entries()];
  }
}

/**
 * The database and NATS probes. The health controller bounds each probe with its own
 * timeout, so NATS is checked with a bare flush (round trip) rather than
 * NatsClient.ping, whose timer outlives the answer.
 */
export function infrastructureProbes(
  db: { ping(): Promise<void> },
  nats: { isConnected: boolean; nc: { flush(): Promise<void> } },
): Record<string, ReadinessProbe> {
  return {
    database: () => db.ping(),
    nats: async () => {
      if (!nats.isConnected) throw new Error('NATS is not connected');
      await nats.nc.flush();
    },
  };
}
