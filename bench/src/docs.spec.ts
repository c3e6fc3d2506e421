import { readFileSync } from 'node:fs';
import { AB_BEGIN, BEGIN, END, defaultPaths, loadSources, withResults } from './docs';

describe('docs/performance.md', () => {
  const { doc } = defaultPaths();
  const committedDoc = readFileSync(doc, 'utf8');
  const sources = loadSources();
  const committedResults = sources.results;
  const experiments = sources.experiments!;

  it('shows exactly the figures of the committed results files (latest.json, ab/, outbox-claim.json, heap-summary.json; run npm run bench:docs)', () => {
    expect(sources.claim).toBeDefined();
    expect(sources.heap).toBeDefined();
    expect(withResults(committedDoc, sources)).toBe(committedDoc);
  });

  it('changes when a run of an A/B experiment changes', () => {
    expect(experiments.length).toBeGreaterThan(0);
    const [first, ...rest] = experiments;
    const [run] = Object.keys(first.runs);
    const changed = {
      ...first,
      runs: { ...first.runs, [run]: { ...first.runs[run], ratios: { rest_open_over_pg_txn: 9.99, events_over_events_limit: 9.99 } } },
    };
    expect(withResults(committedDoc, { ...sources, experiments: [changed, ...rest] })).not.toBe(committedDoc);
    expect(committedDoc).toContain(AB_BEGIN);
  });

  it('changes when a figure in the results changes (the check can fail)', () => {
    const changed = { ...committedResults, rest_open_per_s: (committedResults.rest_open_per_s ?? 0) + 12345 };
    expect(withResults(committedDoc, { ...sources, results: changed })).not.toBe(committedDoc);
  });

  it('refuses a document without the generated section', () => {
    expect(() => withResults(committedDoc.replace(BEGIN, '').replace(END, ''), sources)).toThrow(/section/);
  });
});
