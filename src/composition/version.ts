import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This package's version, for the OpenAPI document; the same from src/ and from dist/src/. */
export const packageVersion = (): string => {
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'headspace-inference' && pkg.version) return pkg.version;
    } catch {
      // try the next level up
    }
  }
  return '0.0.0';
};
