import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../bench/lib/stack';

describe('the benchmark runs the service as npm start does', () => {
  it('with the Node flags of the start script', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const start = pkg.scripts['start'] ?? '';
    const flags = /node((?: --[\w-]+(?:=\S+)?)*) dist\/src\/main\.js/.exec(start)?.[1]?.trim();
    expect(flags?.split(' ')).toEqual([...SERVICE_NODE_FLAGS]);
  });
});
