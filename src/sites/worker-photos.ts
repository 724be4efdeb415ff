

export const maxPhotoBytes = 5 * 1024 * 1024;

/** JPEG or PNG, recognised from the bytes rather than the name or the browser's word. */
export function photoContentType(content: Buffer): 'image/jpeg' | 'image/png' | null {
  if (content.length > 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  if (content.length > 8 && content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}
