/** Copying text for the person: the async Clipboard API, else the older copy command. */

/**
 * Copies `text` to the clipboard. Resolves to false when neither way worked (permission
 * denied, no focus): the caller then selects the text for the person to copy. Never rejects.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return copyWithSelection(text);
  }
}

/** `execCommand('copy')` on an off-screen textarea: still works where the Clipboard API is denied (Electron without the permission). */
function copyWithSelection(text: string): boolean {
  if (typeof document === 'undefined') return false;
  const focused = document.activeElement;
  const area = document.createElement('textarea');
  area.value = text;
  area.readOnly = true;
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  if (focused instanceof HTMLElement) focused.focus();
  return copied;
}
