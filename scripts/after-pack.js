// electron-builder's afterPack hook (electron-builder.yml): runs once the app is copied into the
// Electron distribution and before it is signed, and seals the Electron binary's fuses.
import { Arch } from 'electron-builder';
import { packedElectronPath, sealElectron } from './electron-fuses.js';

/** @param {import('electron-builder').AfterPackContext} context */
export default async function afterPack(context) {
  const platform = context.electronPlatformName;
  const electronPath = packedElectronPath({
    appOutDir: context.appOutDir,
    platform,
    productFilename: context.packager.appInfo.productFilename,
    // Only the Linux packager names the executable itself (lower-case, from the product name).
    executableName: 'executableName' in context.packager ? String(context.packager.executableName) : undefined,
  });
  const fuses = await sealElectron(electronPath, { platform, arch: Arch[context.arch] });
  const summary = Object.entries(fuses).map(([name, enabled]) => `${name}=${enabled ? 'on' : 'off'}`);
  console.log(`  • tessera: Electron fuses set  file=${electronPath} ${summary.join(' ')}`);
}
