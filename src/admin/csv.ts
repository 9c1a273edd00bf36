/**
 * CSV for exports (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted,
 * quotes doubled), with spreadsheet formula injection neutralised by OWASP's rule ("CSV
 * Injection"): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
 * prefixed with a single quote, so that Excel, LibreOffice and Google Sheets show it as text
 * instead of running it. Names, hostnames and platforms come from the machines themselves, so
 * anyone who can activate a machine could otherwise plant a formula in an admin's spreadsheet.
 * Numbers from Tessera's own data (counts) are written as numbers.
 */

/** A cell: text (neutralised), a number, or empty. */
export type CsvCell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text of one cell, neutralised and quoted as needed. */
export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: the header, then one line per row, each ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const line = (cells: readonly CsvCell[]): string => `${cells.map(csvCell).join(',')}\r\n`;
  return line(header) + rows.map(line).join('');
}
