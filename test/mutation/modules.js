// The modules of the pure core under mutation testing, each with its files. Stryker's
// `mutate` list and the score table in docs/testing.md are both derived from this.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '../..');

/**
 * The lines of dead-letter.ts that build a dead letter's text (the rest of the file is
 * SQL run against PostgreSQL, covered by integration tests). Found by name, not by number,
 * so an edit above them does not move the range.
 */
function deadLetterTextLines() {
  const file = 'libs/jetstream/src/dead-letter.ts';
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const first = lines.findIndex((l) => l.startsWith('export function deadLetterOf('));
  const last = lines.findIndex((l) => l.startsWith('function headersOf('));
  if (first < 0 || last < 0) throw new Error(`${file}: deadLetterOf or headersOf not found`);
  const end = lines.findIndex((l, i) => i > last && l === '}');
  return `${file}:${first + 1}-${end + 1}`;
}

// `tests`: the spec files that judge the module's mutants (Jest loads each of them for
// every mutant, so a module is judged by its own specs, not by every spec that imports it).
const modules = [
  {
    name: 'folds',
    files: ['libs/folds/src/accounts.ts', 'libs/folds/src/customers.ts'],
    tests: ['libs/folds/src/*.spec.ts'],
  },
  {
    name: 'contracts: fields and instants',
    files: ['libs/contracts/src/field-checks.ts', 'libs/contracts/src/fields.ts', 'libs/contracts/src/instant.ts'],
    tests: [
      'libs/contracts/src/field-checks.spec.ts',
      'libs/contracts/src/fields.spec.ts',
      'libs/contracts/src/field-errors.spec.ts',
      'libs/contracts/src/field-edges.spec.ts',
    ],
  },
  // consumers.ts is not listed: a constant table of names, it has no mutant, so Stryker's
  // report leaves it out (its names are pinned by consumers.spec.ts).
  {
    name: 'contracts: events, decoding and documents',
    files: [
      'libs/contracts/src/asyncapi.ts',
      'libs/contracts/src/cloud-event.ts',
      'libs/contracts/src/decode.ts',
      'libs/contracts/src/events.ts',
      'libs/contracts/src/fast-decode.ts',
      'libs/contracts/src/ids.ts',
      'libs/contracts/src/iso-4217.ts',
      'libs/contracts/src/json-schemas.ts',
      'libs/contracts/src/requests.ts',
      'libs/contracts/src/resolve.ts',
    ],
    tests: ['libs/contracts/src/*.spec.ts'],
  },
  {
    name: 'pg: sql tag and literal',
    files: ['libs/pg/src/sql.ts', 'libs/pg/src/sql-literal.ts'],
    tests: ['libs/pg/src/sql.spec.ts', 'libs/pg/src/sql-literal.spec.ts', 'libs/pg/src/sql-zero.spec.ts'],
  },
  {
    name: 'jetstream: hold-and-retry',
    files: ['libs/jetstream/src/transport/hold-and-retry.ts'],
    tests: ['libs/jetstream/src/transport/hold-and-retry.spec.ts'],
  },
  { name: 'jetstream: batch pump', files: ['libs/jetstream/src/transport/batch-pump.ts'], tests: ['libs/jetstream/src/transport/batch-pump.spec.ts'] },
  {
    name: 'outbox: pub-ack collector',
    files: ['libs/outbox/src/pub-ack-collector.ts'],
    tests: ['libs/outbox/src/pub-ack-collector.spec.ts'],
  },
  {
    name: 'jetstream: dead-letter text',
    files: [deadLetterTextLines],
    tests: ['libs/jetstream/src/dead-letter.spec.ts', 'libs/jetstream/src/dead-letter-size.spec.ts'],
  },
];

/** Each module's files as Stryker's `mutate` entries (a line range where a file is only partly pure). */
function resolved() {
  return modules.map((m) => ({ name: m.name, files: m.files.map((f) => (typeof f === 'function' ? f() : f)), tests: m.tests }));
}

/**
 * The module one run measures: `npm run test:mutation` (test/mutation/run.js) runs Stryker
 * once per module, naming it in this variable, which stryker.config.mjs and the Jest
 * configuration read. Unset: every module in one run, judged by every unit spec.
 */
const MODULE_VARIABLE = 'CALM_MUTATION_MODULE';

function selectedModule(env = process.env) {
  const name = env[MODULE_VARIABLE];
  if (name === undefined || name === '') return undefined;
  const found = resolved().find((m) => m.name === name || slug(m.name) === name);
  if (!found)
    throw new Error(
      `${MODULE_VARIABLE}=${name}: no such module (test/mutation/modules.js lists ${resolved()
        .map((m) => slug(m.name))
        .join(', ')})`,
    );
  return found;
}

/** A module's name as a file name: "contracts: fields and instants" is contracts-fields-and-instants. */
const slug = (name) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function mutatedFiles() {
  return resolved().flatMap((m) => m.files);
}

module.exports = { MODULE_VARIABLE, modules: resolved, mutatedFiles, selectedModule, slug };
