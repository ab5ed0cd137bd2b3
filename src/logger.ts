/**
 * A small structured logger interface, injected everywhere; JSON lines on stderr by default.
 */
import os from 'node:os';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Writes one JSON object per line to a stream; every line names the process (`pid`) and `hostname` that wrote it. */
export function jsonLogger(stream: NodeJS.WritableStream = process.stderr, base: Record<string, unknown> = {}): Logger {
  const fixed = { pid: process.pid, hostname: os.hostname(), ...base };
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fixed, ...fields })}\n`);
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** Discards everything: for tests and quiet runs. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
