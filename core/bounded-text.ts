// Text that goes into messages, logs or quarantine entries must stay small however big its source
// was: a failure carrying a 20 MB line is rejected by Temporal and useless to a reader anyway.

/** At most maxChars of text; when anything is left out, says how many bytes the whole had.
 *  Pass wholeBytes when text is already a sample of something longer. */
export function boundText(text: string, maxChars: number, wholeBytes?: number): string {
  const bytes = wholeBytes ?? Buffer.byteLength(text);
  if (text.length <= maxChars && (wholeBytes === undefined || wholeBytes <= Buffer.byteLength(text))) return text;
  return `${text.slice(0, maxChars)}… [${bytes} bytes in all]`;
}

/** The same error with its message (and the stack's copy of it) cut to maxChars. */
export function boundError(error: unknown, maxChars = 2000): unknown {
  if (!(error instanceof Error) || error.message.length <= maxChars) return error;
  const message = error.message;
  error.message = boundText(message, maxChars);
  if (error.stack) error.stack = boundText(error.stack.replace(message, error.message), maxChars * 2);
  return error;
}
