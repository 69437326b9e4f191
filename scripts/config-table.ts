import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable, withTable } from '../src/composition/config/reference';

/**
 * `npm run docs:config`: rewrites the README's configuration table from the config schema and
 * src/composition/config/meanings.ts (a unit test fails while the README differs).
 */
const readme = join(__dirname, '..', 'README.md');
writeFileSync(readme, withTable(readFileSync(readme, 'utf8'), configTable()));
