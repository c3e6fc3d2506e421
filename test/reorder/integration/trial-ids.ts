/**
 * The UUIDs of one trial: derived from the seed, the trial and the plan's label, so a
 * replayed seed uses the same ids (in a fresh database) while trials of one run never
 * share an account, a customer or an event id.
 */
import { uuidV5 } from '@calm/contracts';

/** Namespace of this suite's derived ids; any fixed UUID would do. */
const REORDER_NAMESPACE = '0b5c6f0e-4f4e-5e59-9a53-7a1f3c2d9e11';

export class TrialIds {
  private readonly labels = new Map<string, string>();

  constructor(readonly scope: string) {}

  /** The UUID for a label such as a1, c2 or e3. */
  of(label: string): string {
    const id = uuidV5(`${this.scope}/${label}`, REORDER_NAMESPACE);
    this.labels.set(id, label);
    return id;
  }

  /** The label of a UUID handed out by `of`, for readable failures. */
  label(id: string): string {
    return this.labels.get(id) ?? id;
  }
}
