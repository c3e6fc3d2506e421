import { readFileSync } from 'node:fs';
import { abIndex } from './ab-index';
import { BEGIN, END, defaultPaths, loadSources, withResults } from './docs';

describe('docs/performance.md', () => {
  const { doc, ab, abReadme } = defaultPaths();
  const committedDoc = readFileSync(doc, 'utf8');
  const sources = loadSources();
  const committedResults = sources.results;
  const experiments = sources.experiments!;

  it('shows exactly the figures of the committed results files (latest.json, ab/, outbox-claim.json, heap-summary.json, tracing-cost.json; run npm run bench:docs)', () => {
    expect(sources.claim).toBeDefined();
    expect(sources.heap).toBeDefined();
    expect(sources.tracing).toBeDefined();
    expect(withResults(committedDoc, sources)).toBe(committedDoc);
  });

  it('bench/results/ab/README.md indexes every folder and shows the committed runs (run npm run bench:docs)', () => {
    expect(readFileSync(abReadme, 'utf8')).toBe(abIndex(ab, experiments));
    expect(committedDoc).not.toContain('| A1 |');
  });

  it('changes when a run of an A/B experiment changes', () => {
    expect(experiments.length).toBeGreaterThan(0);
    const [first, ...rest] = experiments;
    const [run] = Object.keys(first.runs);
    const changed = {
      ...first,
      runs: { ...first.runs, [run]: { ...first.runs[run], ratios: { rest_open_over_pg_txn: 9.99, events_over_events_limit: 9.99 } } },
    };
    expect(abIndex(ab, [changed, ...rest])).not.toBe(abIndex(ab, experiments));
  });

  it('changes when a figure in the results changes (the check can fail)', () => {
    const changed = { ...committedResults, rest_open_per_s: (committedResults.rest_open_per_s ?? 0) + 12345 };
    expect(withResults(committedDoc, { ...sources, results: changed })).not.toBe(committedDoc);
  });

  it('refuses a document without the generated section', () => {
    expect(() => withResults(committedDoc.replace(BEGIN, '').replace(END, ''), sources)).toThrow(/section/);
  });
});
