/** A JSON number as written, so that `0.1` or a 30-digit quantity reaches decimal.js without a float in between. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = string | boolean | null | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** Why a body is not the JSON we take, in French, for the webhook's log. */
export class JsonRefusal extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON forbids raw control characters inside a string: matching them is the point.
// eslint-disable-next-line no-control-regex
const STRING = /"((?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"/y;
const SPACE = /[ \t\n\r]*/y;
const NOT_NUMBERS = /(?:-?Infinity|NaN)\b/y;

const canonical = (value: JsonValue): string =>
  JSON.stringify(value, (_key, v: unknown) => (v instanceof JsonNumber ? `#${v.text}` : v));

/**
 * JSON.parse, stricter where a trading signal needs it: numbers keep their text, a key given twice with two
 * different values is refused (JSON.parse would keep the last one silently: `"action":"buy",…,"action":"sell"`), and
 * NaN or Infinity are named instead of failing as a bare syntax error.
 */
export function parseStrictJson(text: string): JsonValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new JsonRefusal(`JSON invalide : ${what} (caractère ${at + 1})`);
  };
  const skip = () => {
    SPACE.lastIndex = at;
    SPACE.exec(text);
    at = SPACE.lastIndex;
  };
  const match = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (found) at = pattern.lastIndex;
    return found;
  };
  const value = (depth: number): JsonValue => {
    if (depth > 32) fail('imbrication trop profonde');
    skip();
    const char = text[at];
    if (char === '{') return object(depth);
    if (char === '[') return array(depth);
    if (char === '"') return string();
    for (const [word, result] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    const not = match(NOT_NUMBERS);
    if (not) throw new JsonRefusal(`JSON invalide : ${not[0]} n'est pas un nombre`);
    const number = match(NUMBER);
    if (number) return new JsonNumber(number[0]);
    return fail(at >= text.length ? 'fin inattendue' : `« ${text.slice(at, at + 12)} » inattendu`);
  };
  const string = (): string => {
    const found = match(STRING);
    if (!found) fail('texte mal fermé');
    return JSON.parse(found![0]) as string;
  };
  const object = (depth: number): { [key: string]: JsonValue } => {
    at++;
    const result: { [key: string]: JsonValue } = {};
    skip();
    if (text[at] === '}') {
      at++;
      return result;
    }
    for (;;) {
      skip();
      if (text[at] !== '"') fail('nom de clé attendu');
      const key = string();
      skip();
      if (text[at] !== ':') fail('« : » attendu');
      at++;
      const item = value(depth + 1);
      if (Object.hasOwn(result, key) && canonical(result[key]) !== canonical(item)) {
        throw new JsonRefusal(`${key} : donné deux fois avec des valeurs différentes`);
      }
      result[key] = item;
      skip();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') {
        at++;
        return result;
      }
      fail('« , » ou « } » attendu');
    }
  };
  const array = (depth: number): JsonValue[] => {
    at++;
    const result: JsonValue[] = [];
    skip();
    if (text[at] === ']') {
      at++;
      return result;
    }
    for (;;) {
      result.push(value(depth + 1));
      skip();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') {
        at++;
        return result;
      }
      fail('« , » ou « ] » attendu');
    }
  };
  const result = value(0);
  skip();
  if (at < text.length) fail(`« ${text.slice(at, at + 12)} » après la fin`);
  return result;
}
