import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { configurationMarkdown, envExample, variableRows } from './reference';

const root = join(__dirname, '..', '..', '..', '..');

/** The code of every process: apps, libraries, bench, scripts; not the tests nor the test harness. */
function processSources(dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (entry.isDirectory()) {
      if (['node_modules', 'dist', '.git', '.data', 'libs/testing', 'test'].includes(rel) || entry.name.startsWith('.')) continue;
      processSources(path, out);
    } else if (/\.(ts|js)$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec|soak-spec|reorder-spec)\.ts$/.test(entry.name)) {
      if (/^(apps|libs|bench|scripts)\//.test(rel)) out.push(path);
    }
  }
  return out;
}

/** Every way the code reads a variable: process.env.X, env.X / env?.X, env['X'], required('X'). */
const READS = [
  /process\.env\.([A-Z][A-Z0-9_]+)/g,
  /\benv\??\.([A-Z][A-Z0-9_]+)/g,
  /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g,
  /\brequired\(['"]([A-Z][A-Z0-9_]+)['"]\)/g,
];

/** Set by a tool or the system for itself, not configuration of this project. */
const NOT_CONFIGURATION = new Set(['JEST_WORKER_ID', 'PATH']);

it('docs/configuration.md and .env.example are what npm run docs:config generates from the schemas', () => {
  expect(readFileSync(join(root, 'docs', 'configuration.md'), 'utf8')).toBe(configurationMarkdown());
  expect(readFileSync(join(root, '.env.example'), 'utf8')).toBe(envExample());
});

it('lists every variable the code reads', () => {
  const listed = new Set(variableRows().map((r) => r.name));
  const unlisted: string[] = [];
  const files = processSources();
  expect(files.length).toBeGreaterThan(100);
  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    for (const re of READS) {
      for (const m of code.matchAll(re)) if (!listed.has(m[1]) && !NOT_CONFIGURATION.has(m[1])) unlisted.push(`${m[1]} (${relative(root, file)})`);
    }
  }
  expect(unlisted).toEqual([]);
});

it('finds the reads it looks for (the scan is not blind)', () => {
  const found = (code: string) => [...new Set(READS.flatMap((re) => [...code.matchAll(re)].map((m) => m[1])))].sort();
  expect(found(`process.env.AB_1; env.CC; env?.DD; env['EE']; required("FF"); envy.GG; process.env.lower`)).toEqual(['AB_1', 'CC', 'DD', 'EE', 'FF']);
});

it('documents each variable once, with a meaning', () => {
  const rows = variableRows();
  expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  for (const r of rows) expect(r.doc.description.length).toBeGreaterThan(10);
});
