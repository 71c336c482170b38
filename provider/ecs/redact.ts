const SECRET_PARAMETER = /(AccessKeySecret|SecurityToken|Signature)(=|%3D|%253D)(?:(?!%26|%2526)[^&\s"'])*/gi;
const SECRET_JSON_FIELD = /("?(?:AccessKeySecret|SecurityToken|Signature)"?\s*:\s*")[^"]*/g;

/**
 * Removes credentials from text that may echo a request (pop-core puts URLs in its messages; a
 * signature mismatch echoes the string to sign): the given secrets, raw or percent-encoded once or
 * twice in any way a client or server writes it (upper or lower case hex, `!'()*` encoded or not,
 * `+` for a space), and the values of AccessKeySecret, SecurityToken and Signature parameters.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret) scrubbed = scrubbed.replace(anyEncodingOf(secret), "***");
  }
  return scrubbed.replace(SECRET_PARAMETER, "$1$2***").replace(SECRET_JSON_FIELD, "$1***");
}

/** A pattern matching `secret` with each character written as itself or percent-encoded, once or twice. */
function anyEncodingOf(secret: string): RegExp {
  const characters = [...secret].map((character) => {
    const bytes = [...Buffer.from(character, "utf8")];
    const encoded = bytes.map((byte) => `%(?:25)?${hexPattern(byte)}`).join("");
    const forms = [escapeForRegExp(character), encoded];
    if (character === " ") forms.push("\\+");
    return `(?:${forms.join("|")})`;
  });
  return new RegExp(characters.join(""), "g");
}

/** Two hex digits in either case: `2b` → `2[bB]`. */
function hexPattern(byte: number): string {
  return [...byte.toString(16).padStart(2, "0")]
    .map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
    .join("");
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
