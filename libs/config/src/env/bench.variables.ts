/**
 * Variables of the benchmark harness (`npm run bench`). Most are set by the bench itself
 * for the processes it starts; they are listed so that the reference holds every variable
 * any process of the project reads.
 */
import { parseDatabaseUrl, parsePort } from './parsers';
import { optionalVariable, text } from './variable';

const internal = (description: string) => optionalVariable({ description: `(set by the bench) ${description}` }, text);

export const benchFields = {
  BENCH_DATABASE_URL: optionalVariable(
    {
      shownDefault: '`TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/postgres`',
      description: 'PostgreSQL server on which the bench creates its scratch databases',
    },
    parseDatabaseUrl,
  ),
  TEST_DATABASE_URL: optionalVariable(
    { description: 'PostgreSQL server of the test suites; the bench uses it when `BENCH_DATABASE_URL` is unset' },
    parseDatabaseUrl,
  ),
  BENCH_SERVICE: internal('which service a tuned bench process runs: `accounts` or `customers`'),
  BENCH_TUNING: internal('JSON of the tuning a bench service runs with'),
  BENCH_TRACE_GC: internal('`1`: a bench service traces its garbage collections'),
  BENCH_HEAP_SAMPLES: internal('file a bench service writes heap samples to'),
  BENCH_HEAP_PROMOTED: internal('`1`: heap samples keep only objects promoted to the old generation'),
  BENCH_MEMLOG_MS: internal('interval of a bench service memory log (0: none)'),
  BENCH_SERVICE_NODE_FLAGS: internal('node flags (space-separated) the bench adds after SERVICE_NODE_FLAGS when it starts a service: an A/B variant'),
  BENCH_STAGE_LOG: internal('file a bench service writes its stage times to when stopped (`--stages`)'),
  ONBOARDING_HTTP_PORT: optionalVariable({ description: '(set by the bench) HTTP port of the onboarding coordinator service (`sync` and `twopc`)' }, parsePort),
  ONBOARDING_DESIGN: internal('which design the onboarding coordinator runs: `sync` or `twopc`'),
  TWOPC_LOG_DATABASE_URL: optionalVariable({ description: "(set by the bench) the `twopc` coordinator's decision log database" }, parseDatabaseUrl),
  TWOPC_CRASH_AT: internal('where the `twopc` coordinator crashes itself, in the fault test'),
  TWOPC_RECOVERY_MS: internal('how often the `twopc` coordinator resolves in-doubt transactions (default 500)'),
};
