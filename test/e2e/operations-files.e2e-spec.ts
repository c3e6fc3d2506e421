import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestSystem } from '../support/system';

/**
 * The alert rules and the Grafana dashboard name only series the services export (read
 * from a live /metrics of both), and the alerts are the ones docs/operations.md describes.
 * `promtool check rules deploy/prometheus/alerts.yml` checks the rules' syntax.
 */
const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

let system: TestSystem;
const exported = new Set<string>();

beforeAll(async () => {
  system = await TestSystem.start('opsfiles');
  const [accounts, customers] = await Promise.all([system.startAccounts(), system.startCustomers()]);
  for (const url of [accounts.url, customers.url]) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name + suffix);
    }
  }
});
afterAll(() => system?.stop());

/** The series an expression names: every identifier of ours (calm_*, http_*) in it. */
const seriesIn = (expr: string): string[] => [...expr.matchAll(/\b((?:calm|http)_[a-z0-9_]+)\b/g)].map((m) => m[1]);

const alertExprs = (): [string, string][] => [...read('deploy/prometheus/alerts.yml').matchAll(/- alert: (\S+)\n\s+expr: (.+)$/gm)].map((m) => [m[1], m[2]]);

it('every alert expression names series the services export', () => {
  const alerts = alertExprs();
  expect(alerts.length).toBeGreaterThanOrEqual(6);
  for (const [alert, expr] of alerts) {
    expect({ alert, series: seriesIn(expr).length > 0 }).toEqual({ alert, series: true });
    for (const s of seriesIn(expr)) expect({ alert, series: s, exported: exported.has(s) }).toEqual({ alert, series: s, exported: true });
  }
});

it('docs/operations.md describes exactly the alerts of the rules file', () => {
  const documented = [...read('docs/operations.md').matchAll(/^\| `(Calm[A-Za-z]+)`\s*\|/gm)].map((m) => m[1]).sort();
  expect(documented).toEqual(
    alertExprs()
      .map(([alert]) => alert)
      .sort(),
  );
});

it('every dashboard query names series the services export, and it shows convergence, backlog, dead letters, shells and pending age', () => {
  const dashboard = JSON.parse(read('deploy/grafana/calm-accounts.dashboard.json')) as { panels: { title: string; targets: { expr: string }[] }[] };
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
  for (const { panel, expr } of exprs) {
    for (const s of seriesIn(expr)) expect({ panel, series: s, exported: exported.has(s) }).toEqual({ panel, series: s, exported: true });
  }
  const named = new Set(exprs.flatMap((e) => seriesIn(e.expr)));
  for (const s of [
    'calm_account_convergence_seconds_bucket',
    'calm_outbox_unpublished_rows',
    'calm_dead_letter_open_rows',
    'calm_shell_resolutions_total',
    'calm_pending_account_oldest_age_seconds',
    'calm_build_info',
  ]) {
    expect(named).toContain(s);
  }
});
