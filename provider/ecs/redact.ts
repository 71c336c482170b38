const SECRET_PARAMETER = /(AccessKeySecret|SecurityToken|Signature)(=|%3D|%253D)(?:(?!%26|%2526)[^&\s"'])*/g;
const SECRET_JSON_FIELD = /("?(?:AccessKeySecret|SecurityToken|Signature)"?\s*:\s*")[^"]*/g;

/**
 * Removes credentials from text that may echo a request (pop-core puts URLs in its messages; a
 * signature mismatch echoes the string to sign): the given secrets, raw or percent-encoded once or
 * twice, and the values of AccessKeySecret, SecurityToken and Signature parameters.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const encodedOnce = encodeURIComponent(secret);
    for (const form of [secret, encodedOnce, encodeURIComponent(encodedOnce)]) {
      scrubbed = scrubbed.split(form).join("***");
    }
  }
  return scrubbed.replace(SECRET_PARAMETER, "$1$2***").replace(SECRET_JSON_FIELD, "$1***");
}
