import { PartitionedFacts, readUuid, writeUuid } from './fact-arena';
import { CustomerDecisionRecord, CustomersState, evolveCustomers, isSealing } from '@calm/folds';
import { foldOrder } from './shuffle';

const CREATED = 0;
const SEALED = 1;

/**
 * The customer service's history as compact records, partitioned by customer id
 * (decisions about different customers never interact), folded one partition at a time.
 * Record: kind (u8) | time (float64 ms) | customer id (16 bytes) | event id, name, email
 * (u16 length + UTF-8; name and email empty for a seal).
 */
export class CustomersHistory {
  readonly facts: PartitionedFacts;

  constructor(partitions = 64) {
    this.facts = new PartitionedFacts(partitions);
  }

  add(c: CustomerDecisionRecord): void {
    const sealing = isSealing(c);
    const strings = (sealing ? [c.eventId, '', ''] : [c.eventId, c.name, c.email]).map((s) => Buffer.from(s, 'utf8'));
    const { buf, at } = this.facts.partOf(c.customerId).append(25 + strings.reduce((n, s) => n + 2 + s.length, 0));
    buf[at] = sealing ? SEALED : CREATED;
    buf.writeDoubleLE(Date.parse(sealing ? c.sealedAt : c.createdAt), at + 1);
    writeUuid(buf, at + 9, c.customerId);
    let p = at + 25;
    for (const s of strings) {
      buf.writeUInt16LE(s.length, p);
      s.copy(buf, p + 2);
      p += 2 + s.length;
    }
  }

  get count(): number {
    return this.facts.count;
  }

  async foldPartitions(sink: (state: CustomersState) => Promise<void>, random?: () => number): Promise<void> {
    for (const part of this.facts.parts) {
      const order = foldOrder(part.count, random);
      const state: CustomersState = new Map();
      for (let i = 0; i < order.length; i++) {
        const { buf, at } = part.record(order[i]);
        const strings: string[] = [];
        let p = at + 25;
        for (let k = 0; k < 3; k++) {
          const len = buf.readUInt16LE(p);
          strings.push(buf.toString('utf8', p + 2, p + 2 + len));
          p += 2 + len;
        }
        const time = new Date(buf.readDoubleLE(at + 1)).toISOString();
        const customerId = readUuid(buf, at + 9);
        evolveCustomers(
          state,
          buf[at] === SEALED
            ? { customerId, eventId: strings[0], sealedAt: time }
            : { customerId, eventId: strings[0], name: strings[1], email: strings[2], createdAt: time },
        );
      }
      await sink(state);
    }
  }
}
