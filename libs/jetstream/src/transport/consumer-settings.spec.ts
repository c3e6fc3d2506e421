import { changedConsumerSettings, TunableConsumerSettings } from './consumer-settings';

const wanted: TunableConsumerSettings = { ack_wait: 30e9, max_deliver: 10, backoff: [30e9, 60e9], max_ack_pending: 4096 };

describe('changedConsumerSettings', () => {
  it('is undefined when the consumer already has the wanted settings', () => {
    expect(changedConsumerSettings({ ...wanted, filter_subject: 'customer.created.>' }, wanted)).toBeUndefined();
  });

  it('names each setting that differs, and only those', () => {
    expect(changedConsumerSettings({ ...wanted, ack_wait: 5e9 }, wanted)).toEqual({ ack_wait: 30e9 });
    expect(changedConsumerSettings({ ...wanted, max_deliver: 3, max_ack_pending: 1 }, wanted)).toEqual({ max_deliver: 10, max_ack_pending: 4096 });
    expect(changedConsumerSettings({ ...wanted, backoff: [30e9] }, wanted)).toEqual({ backoff: [30e9, 60e9] });
    expect(changedConsumerSettings({ ...wanted, backoff: undefined }, wanted)).toEqual({ backoff: [30e9, 60e9] });
  });
});
