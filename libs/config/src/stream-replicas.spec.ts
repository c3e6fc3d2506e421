import { ConfigError, loadConfig } from './config';

describe('NATS_STREAM_REPLICAS', () => {
  it('defaults to 1 and takes 1 to 5', () => {
    expect(loadConfig('accounts', {}).streamReplicas).toBe(1);
    expect(loadConfig('accounts', { NATS_STREAM_REPLICAS: '' }).streamReplicas).toBe(1);
    for (const n of [1, 2, 3, 4, 5]) expect(loadConfig('customers', { NATS_STREAM_REPLICAS: ` ${n} ` }).streamReplicas).toBe(n);
  });

  it.each(['0', '6', '3.0', '-1', 'three', '03'])('refuses %p with one line naming the variable', (value) => {
    let error: unknown;
    try {
      loadConfig('accounts', { NATS_STREAM_REPLICAS: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).lines).toEqual([expect.stringMatching(/^NATS_STREAM_REPLICAS: .*1-5/)]);
  });
});
