/**
 * jsonb keeps a JSON value, not its text: it orders an object's keys (shorter names first) and
 * writes `{"a": 1}` for `{"a":1}`. So a JSON column read back from PostgreSQL holds the same JSON as
 * was written, not the same string. With this tester, `toEqual` and friends take two strings that
 * are both JSON objects or arrays as equal when their values are; any other string is still compared
 * character for character.
 *
 *   compareJsonTextAsJson();   // once, at the top of a test file
 */

/** Jest's equality tester (`expect.addEqualityTesters`, which @types/jest does not declare). */
type Tester = (
  this: { equals(a: unknown, b: unknown, customTesters?: Tester[], strictCheck?: boolean): boolean },
  a: unknown,
  b: unknown,
  customTesters: Tester[],
) => boolean | undefined;

/** The value of `text` if it is a JSON object or array. */
function jsonContainer(text: string): { value: unknown } | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

export const jsonTextTester: Tester = function (a, b, customTesters) {
  if (typeof a !== 'string' || typeof b !== 'string' || a === b) return undefined;
  const [left, right] = [jsonContainer(a), jsonContainer(b)];
  if (!left || !right) return undefined;
  return this.equals(left.value, right.value, customTesters, true);
};

/** Makes every equality check of this test file compare JSON text as JSON. */
export function compareJsonTextAsJson(): void {
  (expect as unknown as { addEqualityTesters(testers: Tester[]): void }).addEqualityTesters([jsonTextTester]);
}
