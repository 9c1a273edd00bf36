/** The product's licenses, windowed like the seats table: name, masked key, policy, status, expiry, seats "x of N", last validation. */
import { memo } from 'react';
import { capacityText, type AdminLicense } from '../contract.js';
import { useWindowedRows } from '../components/use-window.js';
import { formatDateTime } from '../format/time.js';
import { TableSpacer } from '../components/table-spacer.js';

/** Must match `.licenses-table tbody tr` in the stylesheet. */
export const LICENSE_ROW_HEIGHT = 44;
const COLUMNS = 8;

const LicenseRow = memo(function LicenseRow({ license, index, onOpen }: { readonly license: AdminLicense; readonly index: number; readonly onOpen: (license: AdminLicense) => void }): React.JSX.Element {
  const name = license.name ?? license.id;
  return (
    <tr aria-rowindex={index + 2}>
      <th scope="row" title={license.id}>
        {name}
      </th>
      <td>
        <code>{license.keyHint ?? '—'}</code>
      </td>
      <td>{license.policy?.name ?? license.policy?.id ?? '—'}</td>
      <td>{license.status ?? '—'}</td>
      <td>{formatDateTime(license.expiry, 'Never')}</td>
      <td>{capacityText(license.used, license.max)}</td>
      <td>{formatDateTime(license.lastValidated, 'Never')}</td>
      <td>
        <button type="button" className="button small" aria-label={`Seats of ${name}`} onClick={() => onOpen(license)}>
          Seats
        </button>
      </td>
    </tr>
  );
});

export function LicensesTable({ licenses, onOpen }: { readonly licenses: readonly AdminLicense[]; readonly onOpen: (license: AdminLicense) => void }): React.JSX.Element {
  const { scrollRef, bodyRef, range, measure } = useWindowedRows(licenses.length, LICENSE_ROW_HEIGHT);
  return (
    <div className="table-scroll" ref={scrollRef} onScroll={measure} tabIndex={0} role="region" aria-label="Licenses, scrollable">
      <table className="table seats-table licenses-table" aria-rowcount={licenses.length + 1}>
        <caption className="table-title">Licenses of this product</caption>
        <colgroup>
          <col />
          <col className="lic-key" />
          <col className="lic-policy" />
          <col className="lic-status" />
          <col className="lic-date" />
          <col className="lic-seats" />
          <col className="lic-date" />
          <col className="lic-open" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {['Name', 'Key', 'Policy', 'Status', 'Expiry', 'Seats', 'Last validated'].map((label) => (
              <th key={label} scope="col">
                {label}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {licenses.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className="muted">
                No license matches.
              </td>
            </tr>
          ) : null}
          <TableSpacer height={range.before} columns={COLUMNS} />
          {licenses.slice(range.start, range.end).map((license, offset) => (
            <LicenseRow key={license.id} license={license} index={range.start + offset} onOpen={onOpen} />
          ))}
          <TableSpacer height={range.after} columns={COLUMNS} />
        </tbody>
      </table>
    </div>
  );
}
