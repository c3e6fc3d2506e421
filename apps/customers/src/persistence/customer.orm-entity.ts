import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'customer' })
export class CustomerOrmEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
