import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per decided customer id: created (name, email, createdAt) or sealed (sealedAt). */
@Entity({ name: 'customer' })
export class CustomerOrmEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: true })
  createdAt: Date | null;

  @Column({ name: 'sealed_at', type: 'timestamptz', nullable: true })
  sealedAt: Date | null;

  /** The trace context of the work that decided the id (decision-trace.sql.ts); never part of the decision, so never selected with it. */
  @Column({ type: 'text', nullable: true, select: false })
  traceparent?: string | null;

  @Column({ type: 'text', nullable: true, select: false })
  tracestate?: string | null;
}
