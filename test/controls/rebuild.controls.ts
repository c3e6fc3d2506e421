import type { Control } from './control';

const REFUSAL_SPEC = 'apps/replay/src/rebuild-refusal.int-spec.ts';

/** `replay rebuild` refuses while the service runs, and readers never see an empty table. */
const controls: Control[] = [
  {
    name: 'rebuild-no-pull-sign',
    breaks: 'a pull request waiting on the accounts consumer is not a sign that the service runs',
    patches: [
      { file: 'apps/replay/src/db/service-guard.ts', find: 'if (info && info.num_waiting > 0)', replace: 'if (info && info.num_waiting > 0 && !info)' },
    ],
    tests: [REFUSAL_SPEC],
    testNamePattern: 'pull request waiting',
  },
  {
    name: 'rebuild-no-recheck-in-swap',
    breaks: 'a service that connects during the fold is not seen: the swap does not check again under its lock',
    patches: [{ file: 'apps/replay/src/commands/rebuild.command.ts', find: '      if (signs.length) throw refusal(service, signs);', replace: '' }],
    tests: [REFUSAL_SPEC],
    testNamePattern: 're-checks inside the swap',
  },
  {
    name: 'rebuild-force-ignored',
    breaks: '--force does not override the running-service check',
    patches: [{ file: 'apps/replay/src/commands/rebuild.command.ts', find: '  if (options.force) return;\n', replace: '' }],
    tests: [REFUSAL_SPEC],
    testNamePattern: '--force',
  },
  {
    name: 'rebuild-commit-after-truncate',
    breaks: 'the swap commits between TRUNCATE and INSERT, so a reader can see an empty table',
    patches: [
      {
        file: 'apps/replay/src/db/swap-tables.ts',
        find: "  await db.query(`TRUNCATE ${copies.map((c) => c.table).join(', ')}`);\n",
        replace: "  await db.query(`TRUNCATE ${copies.map((c) => c.table).join(', ')}`);\n  await db.query('COMMIT');\n  await db.query('BEGIN');\n",
      },
    ],
    tests: [REFUSAL_SPEC],
    testNamePattern: '--force',
  },
];
export default controls;
