/**
 * Asking the operator for a password on the terminal, without echoing it.
 */
import { Writable } from 'node:stream';
import { createInterface } from 'node:readline';

/** What a password is read from: the process's stdin and stderr unless a test passes others. */
export interface PromptStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/** Reads one line after printing `question`; the typed characters are not echoed. */
export function readSecretLine(question: string, streams: PromptStreams = { input: process.stdin, output: process.stderr }): Promise<string> {
  streams.output.write(question);
  // a sink for readline's echo: the password never reaches the terminal
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: streams.input, output: muted, terminal: streams.input.isTTY === true });
  return new Promise((resolve, reject) => {
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      streams.output.write('\n');
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) reject(new Error('no password was typed (the input ended)'));
    });
  });
}

/** Asks for a new password twice and answers it when both match. */
export async function promptNewPassword(streams?: PromptStreams): Promise<string> {
  const first = await readSecretLine('New password: ', streams);
  const second = await readSecretLine('Repeat the password: ', streams);
  if (first !== second) throw new Error('the two passwords differ: nothing was changed');
  return first;
}

/** Reads one line after printing `question`, echoed as typed. */
export function readLine(question: string, streams: PromptStreams = { input: process.stdin, output: process.stderr }): Promise<string> {
  const rl = createInterface({ input: streams.input, output: streams.output, terminal: streams.input.isTTY === true });
  return new Promise((resolve, reject) => {
    let answered = false;
    rl.question(question, (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) reject(new Error('no answer was typed (the input ended)'));
    });
  });
}
