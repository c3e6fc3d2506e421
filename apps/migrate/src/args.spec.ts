import { MIGRATE_USAGE, parseMigrateArgs } from './args';

describe('migrate CLI arguments', () => {
  it('runs with none', () => {
    expect(parseMigrateArgs([])).toEqual({ run: true });
  });

  it('prints the usage for --help and -h instead of touching a database', () => {
    expect(parseMigrateArgs(['--help'])).toEqual({ help: true });
    expect(parseMigrateArgs(['-h'])).toEqual({ help: true });
    expect(MIGRATE_USAGE).toContain('ACCOUNTS_DATABASE_URL');
  });

  it('prints the version for --version and -V instead of touching a database', () => {
    expect(parseMigrateArgs(['--version'])).toEqual({ version: true });
    expect(parseMigrateArgs(['-V'])).toEqual({ version: true });
  });

  it('refuses anything else, naming it', () => {
    for (const argv of [['--dry-run'], ['accounts'], ['--help', 'x'], ['']]) {
      const parsed = parseMigrateArgs(argv);
      expect(parsed).toEqual({ error: expect.stringContaining(JSON.stringify(argv[0])) });
    }
  });
});
