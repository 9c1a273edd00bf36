/**
 * An activation request as QR codes, drawn here (the `qr` library computes the modules, React
 * draws an SVG: nothing is fetched, no data: URL, no inline style) and split into numbered
 * codes when one would be too dense for a phone to read from a screen.
 */
import { encodeQR } from 'qr';
import { useMemo } from 'react';
import { splitForQr } from '../contract.js';

/** Modules of white around each code, as the QR specification asks (ISO/IEC 18004 §6.3.8). */
const QUIET_ZONE = 4;

/** The SVG path of a QR matrix: one unit square per dark module, offset by the quiet zone. */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  let path = '';
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    }),
  );
  return path;
}

/** The request's text without indentation: the codes carry the same JSON, smaller. */
function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.trim();
  }
}

export function QrCodes({ text, label }: { readonly text: string; readonly label: string }): React.JSX.Element {
  const codes = useMemo(
    () =>
      splitForQr(compact(text)).map((part) => {
        const modules = encodeQR(part, 'raw', { ecc: 'medium' });
        return { part, size: modules.length, path: qrPath(modules) };
      }),
    [text],
  );
  return (
    <div className="qr-codes">
      {codes.map((code, index) => {
        const name = codes.length === 1 ? label : `${label}, code ${index + 1} of ${codes.length}`;
        const side = code.size + QUIET_ZONE * 2;
        return (
          <figure key={code.part} className="qr-code">
            <svg role="img" aria-label={name} viewBox={`0 0 ${side} ${side}`} width={side * 4} height={side * 4} shapeRendering="crispEdges" data-modules={code.size}>
              <rect width={side} height={side} fill="#ffffff" />
              <path d={code.path} fill="#000000" />
            </svg>
            <figcaption>{codes.length === 1 ? 'Scan with a phone' : `Code ${index + 1} of ${codes.length}: scan them in any order`}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}
