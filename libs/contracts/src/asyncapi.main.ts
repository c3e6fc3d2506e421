import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asyncApiYaml } from './asyncapi';

/** `npm run docs:asyncapi`: (re)writes docs/asyncapi.yaml from the contract definitions. */
const target = resolve(process.argv[2] ?? 'docs/asyncapi.yaml');
writeFileSync(target, asyncApiYaml());
process.stdout.write(`wrote ${target}\n`);
