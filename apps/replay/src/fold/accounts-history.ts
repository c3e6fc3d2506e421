import { Account, AccountFact, AccountsState, fold, initialState } from '@calm/folds';
import { PartitionedFacts, hashUuidBytes, readTime, readUuid, writeTime, writeUuid, writeUuidBytes } from './fact-arena';
import { foldOrder } from './shuffle';

const OPENED = 1;
const CREATED = 2;
const SEALED = 3;

/**
 * The account service's history as compact facts, partitioned by customer id: the
 * join only ever relates an account to its own customer, so each partition folds on
 * its own with the domain's `fold` and memory holds one partition's state at a time.
 * Uuids are stored as bytes, hence lower-cased, as PostgreSQL stores them.
 *
 * Not covered by partitioning: two `account.opened` for one account id naming different
 * customers (only a foreign publisher could produce them; the service answers 409).
 * They land in two partitions; the scratch table's upsert keeps the opening the domain
 * prefers (smallest openedAt, customerId, currency), whose row carries its own join.
 */
export class AccountsHistory {
  readonly facts: PartitionedFacts;

  constructor(partitions = 64) {
    this.facts = new PartitionedFacts(partitions);
  }

  addOpened(d: { accountId: string; customerId: string; currency: string; openedAt: string }): void {
    const { buf, at } = this.facts.partOf(d.customerId).append(60);
    buf[at] = OPENED;
    buf.write(d.currency, at + 1, 3, 'latin1');
    writeTime(buf, at + 4, d.openedAt);
    writeUuid(buf, at + 28, d.accountId);
    writeUuid(buf, at + 44, d.customerId);
  }

  /** A fact of the accounts fold (factOf of a decoded event). */
  add(fact: AccountFact): void {
    if (fact.type === 'account.opened') this.addOpened(fact.data);
    else if (fact.type === 'customer.created') this.addCreated(fact.data.customerId, fact.data.createdAt);
    else this.addSealed(fact.data.customerId, fact.data.sealedAt);
  }

  addCreated(customerId: string, time: string): void {
    this.addCustomerFact(CREATED, customerId, time);
  }

  addSealed(customerId: string, sealedAt: string): void {
    this.addCustomerFact(SEALED, customerId, sealedAt);
  }

  private addCustomerFact(kind: number, customerId: string, time: string): void {
    const { buf, at } = this.facts.partOf(customerId).append(41);
    buf[at] = kind;
    writeTime(buf, at + 1, time);
    writeUuid(buf, at + 25, customerId);
  }

  /**
   * addOpened from a message's bytes (fact-scanner.ts), the same record: `src` holds, at
   * the offsets given, the canonical text of the uuids, the code and the instant (ASCII).
   */
  addOpenedBytes(src: Uint8Array, accountIdAt: number, customerIdAt: number, currencyAt: number, openedAtAt: number): void {
    const { buf, at } = this.facts.partAt(hashUuidBytes(src, customerIdAt)).append(60);
    buf[at] = OPENED;
    copyBytes(buf, at + 1, src, currencyAt, 3);
    copyBytes(buf, at + 4, src, openedAtAt, 24);
    writeUuidBytes(buf, at + 28, src, accountIdAt);
    writeUuidBytes(buf, at + 44, src, customerIdAt);
  }

  /** addCreated / addSealed from a message's bytes, as addOpenedBytes. */
  addCustomerBytes(kind: 'created' | 'sealed', src: Uint8Array, customerIdAt: number, timeAt: number): void {
    const { buf, at } = this.facts.partAt(hashUuidBytes(src, customerIdAt)).append(41);
    buf[at] = kind === 'created' ? CREATED : SEALED;
    copyBytes(buf, at + 1, src, timeAt, 24);
    writeUuidBytes(buf, at + 25, src, customerIdAt);
  }

  get count(): number {
    return this.facts.count;
  }

  /**
   * Folds each partition with the domain's `fold`, in stream order or in the order
   * `random` shuffles it to, and hands each folded state to `sink` (then drops it).
   * `release`: empties each partition once folded, for a history folded once: its
   * bytes are free for the fold of the next ones (the peak of a large rebuild).
   */
  async foldPartitions(sink: (state: AccountsState) => Promise<void>, random?: () => number, options: { release?: boolean } = {}): Promise<void> {
    for (const part of this.facts.parts) {
      const order = foldOrder(part.count, random);
      const state = fold(factsOf(part, order), initialState());
      if (options.release) part.clear();
      await sink(state);
    }
  }
}

/** A few bytes copied by hand: cheaper than a subarray and set for 3 or 24 of them. */
function copyBytes(buf: Buffer, at: number, src: Uint8Array, from: number, length: number): void {
  for (let i = 0; i < length; i++) buf[at + i] = src[from + i];
}

function* factsOf(part: PartitionedFacts['parts'][number], order: Uint32Array): Generator<AccountFact> {
  for (let i = 0; i < order.length; i++) {
    const { buf, at } = part.record(order[i]);
    if (buf[at] === OPENED) {
      yield {
        type: 'account.opened',
        data: {
          accountId: readUuid(buf, at + 28),
          customerId: readUuid(buf, at + 44),
          currency: buf.toString('latin1', at + 1, at + 4),
          openedAt: readTime(buf, at + 4),
        },
      };
    } else {
      const customerId = readUuid(buf, at + 25);
      const time = readTime(buf, at + 1);
      yield buf[at] === SEALED
        ? { type: 'customer.sealed', data: { customerId, sealedAt: time } }
        : { type: 'customer.created', data: { customerId, createdAt: time } };
    }
  }
}

export type { Account };
