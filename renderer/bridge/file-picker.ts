/**
 * `files.chooseFile()` in the browser: a hidden file input. Electron's preload has its own
 * (the native dialog); this one serves the web console, where the core cannot open a dialog.
 */
import type { OperationResult } from '../contract.js';
import { LICENSE_FILE_ACCEPT, readLicenseFile } from './file-reader.js';

/**
 * Opens the browser's file picker. Resolves to the chosen file, to `null` when the person
 * cancels, or to LICENSE_FILE_TOO_LARGE / LICENSE_FILE_MALFORMED. Never rejects.
 */
export function chooseFileInBrowser(): Promise<OperationResult<'files:choose'>> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = LICENSE_FILE_ACCEPT;
    input.hidden = true;
    const finish = (result: OperationResult<'files:choose'>): void => {
      input.remove();
      resolve(result);
    };
    input.addEventListener(
      'change',
      () => {
        const file = input.files?.[0];
        if (file === undefined) finish({ ok: true, value: null });
        else void readLicenseFile(file).then(finish);
      },
      { once: true },
    );
    // Fired when the picker closes without a choice (HTML "cancel" event on input type=file).
    input.addEventListener('cancel', () => finish({ ok: true, value: null }), { once: true });
    document.body.append(input);
    input.click();
  });
}
