import fc from 'fast-check';
import { instant, uuid } from '@calm/contracts';
import { instantSpelling, mixedCase } from './spelling.arbitraries';

const canonicalInstant = fc
  .date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

describe('raw spellings', () => {
  it('every mixed-case spelling of a UUID reads as the UUID', () => {
    fc.assert(
      fc.property(
        fc.uuid().chain((u) => mixedCase(u).map((v) => ({ u, v }))),
        ({ u, v }) => expect(uuid.parse(v)).toBe(u),
      ),
    );
  });

  it('mixes case within one UUID, not only whole-string upper or lower', () => {
    const spellings = fc.sample(mixedCase('abcdef01-abcd-4abc-8abc-abcdefabcdef'), { seed: 1, numRuns: 200 });
    const mixed = spellings.filter((s) => s !== s.toUpperCase() && s !== s.toLowerCase());
    expect(mixed.length).toBeGreaterThan(150);
  });

  it('every spelling of an instant reads as that instant', () => {
    fc.assert(
      fc.property(
        canonicalInstant.chain((c) => instantSpelling(c).map((s) => ({ c, s }))),
        ({ c, s }) => expect(instant.parse(s)).toBe(c),
      ),
      { numRuns: 500 },
    );
  });

  it('spells instants in other offsets, with t, with sub-millisecond digits and without a fraction', () => {
    const spellings = fc.sample(canonicalInstant.chain(instantSpelling), { seed: 2, numRuns: 500 });
    const share = (re: RegExp) => spellings.filter((s) => re.test(s)).length / spellings.length;
    expect(share(/[+-](?!00:00)\d{2}:\d{2}$/)).toBeGreaterThan(0.3);
    expect(share(/\dt\d/)).toBeGreaterThan(0.3);
    expect(share(/\.\d{4,}/)).toBeGreaterThan(0.3);
    expect(fc.sample(instantSpelling('2026-01-02T03:04:05.000Z'), { seed: 3, numRuns: 200 }).some((s) => !s.includes('.'))).toBe(true);
    expect(share(/z$/)).toBeGreaterThan(0);
  });
});
