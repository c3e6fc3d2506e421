import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectVersion, versionLine } from './version';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };

it("reads the project's version from the root package.json, and says unknown outside the project", () => {
  expect(projectVersion()).toBe(pkg.version);
  expect(projectVersion('/')).toBe('unknown');
  expect(versionLine('replay')).toBe(`replay ${pkg.version} (calm-accounts, node ${process.versions.node})`);
});
