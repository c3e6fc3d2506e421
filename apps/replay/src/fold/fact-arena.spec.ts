import fc from 'fast-check';
import { readTime, readUuid, writeTime, writeUuid } from './fact-arena';

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

describe('uuids in the fact arena', () => {
  const roundTrip = (uuid: string) => {
    const buf = Buffer.alloc(20, 0xff);
    writeUuid(buf, 2, uuid);
    return { uuid: readUuid(buf, 2), untouched: [buf[0], buf[1], buf[18], buf[19]] };
  };

  it('reads back any uuid lower-cased, writing its 16 bytes only', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (uuid, upper) => {
        expect(roundTrip(upper ? uuid.toUpperCase() : uuid)).toEqual({ uuid, untouched: [0xff, 0xff, 0xff, 0xff] });
      }),
    );
    expect(roundTrip('A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D').uuid).toBe('a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d');
  });
});
