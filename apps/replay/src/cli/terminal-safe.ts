/**
 * Anything printed for a human may hold text from a message (subjects, ids, sources,
 * reasons, names): publisher-controlled. Control characters are shown escaped, never
 * sent to the terminal: ESC sequences could recolour, move the cursor, retitle the
 * window or rewrite earlier lines; CR, BS and newlines could forge output lines; the
 * bidirectional overrides could reorder what the operator reads. Every other character,
 * including astral and combining ones, is printed as it is.
 */
// C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
