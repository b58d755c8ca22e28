import { join } from 'node:path';
import { runProcess } from '@rtmp/test-helpers';
import { describe, expect, it } from 'vitest';

describe('pnpm demo', () => {
  it('publishes the sample to the reference server and plays back every frame', async () => {
    const { stdout } = await runProcess('node', [
      '--import',
      'tsx',
      join(import.meta.dirname, '..', 'scripts', 'demo.ts'),
    ]);
    const published = /published: (\d+) video \+ (\d+) audio frames/.exec(stdout);
    const played = /played back: (\d+) video \+ (\d+) audio frames/.exec(stdout);
    const recorded = /recorded file: (\d+) video tags, (\d+) audio tags, (\d+) metadata/.exec(stdout);
    // The bundled sample: 126 video and 217 audio frames, plus one sequence header each.
    expect(published?.slice(1)).toEqual(['126', '217']);
    expect(played?.slice(1)).toEqual(['126', '217']);
    expect(recorded?.slice(1)).toEqual(['127', '218', '1']);
  });
});
