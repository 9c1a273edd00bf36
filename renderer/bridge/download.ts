/**
 * An export offered as a download: a Blob behind an object URL, clicked through a link with a
 * `download` name. The URL is a `blob:` one of this page's own origin, so the strict CSP needs
 * no exception, and it is revoked once the browser has taken the file.
 */
import type { ExportFile } from '../contract.js';

/** Starts the download of `file`; false when this page cannot (no DOM). */
export function downloadFile(file: ExportFile): boolean {
  if (typeof document === 'undefined' || typeof URL.createObjectURL !== 'function') return false;
  const url = URL.createObjectURL(new Blob([file.text], { type: `${file.mediaType};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.className = 'offscreen';
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the Blob after the click returns: keep the URL a while.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return true;
}
