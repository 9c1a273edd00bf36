/**
 * The nesting limit of request bodies. Keygen parses JSON with Ruby's `JSON.parse`, whose
 * `max_nesting` is 100: a deeper document raises `JSON::NestingError`, a `JSON::ParserError`,
 * which Rails wraps in `ActionDispatch::Http::Parameters::ParseError` and keygen-api's
 * `Keygen::Middleware::RequestErrorWrapper` (`lib/keygen/middleware.rb`) answers with 400
 * `JSON_INVALID`. The issuer checks depth before `JSON.parse`, so that no deep document ever
 * reaches the recursive code after it (metadata key transforms, `JSON.stringify`), where a
 * stack overflow would be a 500.
 */

/** Ruby's `JSON.parse` default `max_nesting`: 100 levels are accepted, 101 are not. */
export const MAX_JSON_NESTING = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether `text` opens more than `max` arrays or objects inside one another, counting only
 * brackets outside strings. One pass, no recursion, so the answer for a 100,000-level document
 * costs no more stack than for a flat one. It does not validate JSON: malformed text is left for
 * `JSON.parse` to refuse.
 */
export function exceedsNesting(text: string, max: number = MAX_JSON_NESTING): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) inString = true;
    else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      depth++;
      if (depth > max) return true;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) depth--;
  }
  return false;
}
