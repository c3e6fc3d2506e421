// Under Stryker every mutant re-runs the properties that cover it: a mutant that is killed
// needs no shrunk counterexample (endOnFailure), and one that survives runs each property
// FUZZ_RUNS (100) times instead of the thousands a normal run draws. The example tests are
// unchanged; a survivor here is still checked against the full run before it is justified.
process.env.FUZZ_RUNS ??= '100';
require('fast-check').configureGlobal({ endOnFailure: true, numRuns: Number(process.env.FUZZ_RUNS) });
