/**
 * Code points that change how a name reads without being seen: bidi controls (U+202E turns
 * "invoice‮fdp.exe" into "invoiceexe.pdf"), zero-width and other default-ignorable characters,
 * and control characters.
 */
const HIDDEN = /[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cc}]/gu;

/** Raster image types a received file may be previewed as; anything else is only ever downloaded. */
const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

/** A file name for the screen: each hidden code point shown as its code, e.g. `invoice⟨U+202E⟩fdp.exe`. */
export function visibleName(name: string): string {
  return name.replace(HIDDEN, (char) => `⟨U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** The name a received file is saved under: hidden code points dropped, no path, never empty. */
export function saveName(name: string): string {
  const plain = name.replace(HIDDEN, '').replace(/[/\\]/g, '_').trim();
  return plain === '' || /^\.+$/.test(plain) ? 'file' : plain;
}

/** The extension the saved file really has (what the system will open it with), lower case; '' for none. */
export function realExtension(name: string): string {
  const saved = saveName(name);
  const dot = saved.lastIndexOf('.');
  return dot > 0 && dot < saved.length - 1 ? saved.slice(dot + 1).toLowerCase() : '';
}

/** Whether a received file of this declared type is shown inline as a picture. */
export function isRasterImage(mime: string): boolean {
  return RASTER.has(mime.toLowerCase());
}

/**
 * The type a received file's blob gets. Raster images keep theirs, for the preview; everything
 * else is `application/octet-stream`, so even opened from its blob URL it is downloaded, never run
 * as a document (HTML, SVG) in the app's origin.
 */
export function blobType(mime: string): string {
  return isRasterImage(mime) ? mime.toLowerCase() : 'application/octet-stream';
}
