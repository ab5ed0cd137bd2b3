/**
 * Reading a JSON request body strictly: the bytes must be UTF-8 (never repaired with U+FFFD), the
 * text JSON, no object may repeat a key (JSON.parse would keep the last one silently), no key may be
 * `__proto__`, and no text may hold U+0000. Each refusal names the problem and never echoes the
 * body, which may hold a reporter's name.
 */
import { CaseflowError, InvalidPayloadError } from '../errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const refuse = (message: string): InvalidPayloadError => new InvalidPayloadError('request body', [{ path: 'body', message }]);

/** The first key an object of valid JSON `text` repeats, if any. */
export function repeatedKey(text: string): string | undefined {
  const objects: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = objects[objects.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      objects.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      objects.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      objects.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = objects[objects.length - 1] instanceof Set;
    }
  }
  return undefined;
}

/** Parses a JSON body from its bytes (or text); every refusal is INVALID_PAYLOAD naming the problem. */
export function parseJsonBody(body: Buffer | string): unknown {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw refuse('the body is not valid UTF-8');
  }
  if (text.trim() === '') throw refuse('the body is empty but the content type says JSON');
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (key === '__proto__') {
        throw new CaseflowError('INVALID_PAYLOAD', 'The request body is not valid: the key "__proto__" is not allowed.', {
          issues: [{ path: 'body', message: 'the key "__proto__" is not allowed' }],
        });
      }
      if (key.includes('\u0000') || (typeof v === 'string' && v.includes('\u0000'))) throw refuse('text must not contain the NUL character (U+0000)');
      return v;
    });
  } catch (error) {
    if (error instanceof CaseflowError) throw error;
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    throw refuse(`the body is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`);
  }
  const repeated = repeatedKey(text);
  if (repeated !== undefined) throw refuse(`the key ${JSON.stringify(repeated).slice(0, 80)} appears twice in one object`);
  return value;
}
