import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationMarkdown, envExample } from './reference';

/** `npm run docs:config`: writes docs/configuration.md and .env.example from the schemas. */
const root = join(__dirname, '..', '..', '..', '..', ...(__dirname.includes(`${join('dist', 'libs')}`) ? ['..'] : []));
writeFileSync(join(root, 'docs', 'configuration.md'), configurationMarkdown());
writeFileSync(join(root, '.env.example'), envExample());
process.stdout.write('wrote docs/configuration.md and .env.example\n');
