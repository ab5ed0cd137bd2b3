/**
 * Asking for a new password: it is read twice, never echoed, and two different answers change nothing.
 */
import { PassThrough } from 'node:stream';
import { promptNewPassword } from '../../src/cli/prompt';

function terminal(lines: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  // type each line only after its question was printed, as a person would
  let next = 0;
  output.on('data', (chunk: Buffer) => {
    if (chunk.toString().endsWith(': ') && next < lines.length) input.write(`${lines[next++]}\n`);
  });
  return { streams: { input, output }, shown: () => shown };
}

describe('promptNewPassword', () => {
  test('answers the password typed twice, without printing it', async () => {
    const t = terminal(['long enough secret', 'long enough secret']);
    await expect(promptNewPassword(t.streams)).resolves.toBe('long enough secret');
    expect(t.shown()).toContain('New password: ');
    expect(t.shown()).toContain('Repeat the password: ');
    expect(t.shown()).not.toContain('secret');
  });

  test('two different answers are refused', async () => {
    const t = terminal(['long enough secret', 'another secret']);
    await expect(promptNewPassword(t.streams)).rejects.toThrow('the two passwords differ: nothing was changed');
  });
});
