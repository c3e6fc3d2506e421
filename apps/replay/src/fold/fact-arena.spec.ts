import { readTime, writeTime } from './fact-arena';

describe('instants in the fact arena', () => {
  const roundTrip = (time: string) => {
    const buf = Buffer.alloc(30, 0xff);
    writeTime(buf, 3, time);
    return readTime(buf, 3);
  };

  it.each(['2026-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'])('reads back the canonical instant %s as written', (time) => {
    expect(roundTrip(time)).toBe(time);
  });

  it.each([
    ['2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-03-04T05:06:07.8Z', '2026-03-04T05:06:07.800Z'],
  ])('normalises %s to the canonical %s', (time, canonical) => {
    expect(roundTrip(time)).toBe(canonical);
  });
});
