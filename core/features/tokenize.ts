// Headline text → lowercase word tokens. Shared by fitting the vocabulary and by encoding.
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
