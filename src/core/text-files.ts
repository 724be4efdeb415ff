/**
 * The text of an uploaded CSV file: UTF-8 when it is valid UTF-8, else Windows-1252 (what Excel on
 * French Windows saves), without a leading byte-order mark.
 */
export function decodeUploadedText(content: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    text = new TextDecoder('windows-1252').decode(content);
  }
  return text.replace(/^\uFEFF/, '');
}
