import { readFileSync } from 'node:fs';
import { BEGIN, END, defaultPaths, withResults } from './docs';

describe('docs/performance.md', () => {
  const { results, doc } = defaultPaths();
  const committedDoc = readFileSync(doc, 'utf8');
  const committedResults = JSON.parse(readFileSync(results, 'utf8'));

  it('shows exactly the figures of the committed bench/results/latest.json (run npm run bench:docs after a bench)', () => {
    expect(withResults(committedDoc, committedResults)).toBe(committedDoc);
  });

  it('changes when a figure in the results changes (the check can fail)', () => {
    const changed = { ...committedResults, rest_open_per_s: (committedResults.rest_open_per_s ?? 0) + 12345 };
    expect(withResults(committedDoc, changed)).not.toBe(committedDoc);
  });

  it('refuses a document without the generated section', () => {
    expect(() => withResults(committedDoc.replace(BEGIN, '').replace(END, ''), committedResults)).toThrow(/section/);
  });
});
