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

const modules = [
  {
    name: 'folds',
    files: ['libs/folds/src/accounts.ts', 'libs/folds/src/customers.ts'],
  },
  { name: 'contracts: fields and instants', files: ['libs/contracts/src/fields.ts', 'libs/contracts/src/instant.ts'] },
  {
    name: 'contracts: events, decoding and documents',
    files: [
      'libs/contracts/src/asyncapi.ts',
      'libs/contracts/src/cloud-event.ts',
      'libs/contracts/src/consumers.ts',
      'libs/contracts/src/decode.ts',
      'libs/contracts/src/events.ts',
      'libs/contracts/src/fast-decode.ts',
      'libs/contracts/src/ids.ts',
      'libs/contracts/src/iso-4217.ts',
      'libs/contracts/src/json-schemas.ts',
      'libs/contracts/src/requests.ts',
      'libs/contracts/src/resolve.ts',
    ],
  },
  { name: 'messaging: sql tag and literal', files: ['libs/pg/src/sql.ts', 'libs/pg/src/sql-literal.ts'] },
  { name: 'messaging: hold-and-retry', files: ['libs/jetstream/src/transport/hold-and-retry.ts'] },
  { name: 'messaging: batch pump', files: ['libs/jetstream/src/transport/batch-pump.ts'] },
  { name: 'messaging: pub-ack collector', files: ['libs/outbox/src/pub-ack-collector.ts'] },
  { name: 'messaging: dead-letter text', files: [deadLetterTextLines] },
];

/** Each module's files as Stryker's `mutate` entries (a line range where a file is only partly pure). */
function resolved() {
  return modules.map((m) => ({ name: m.name, files: m.files.map((f) => (typeof f === 'function' ? f() : f)) }));
}

function mutatedFiles() {
  return resolved().flatMap((m) => m.files);
}

module.exports = { modules: resolved, mutatedFiles };
