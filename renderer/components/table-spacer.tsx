/** An empty row standing for the rows of a windowed table that are not drawn, keeping the scroll height. */
export function TableSpacer({ height, columns }: { readonly height: number; readonly columns: number }): React.JSX.Element | null {
  if (height <= 0) return null;
  return (
    <tr aria-hidden="true" className="spacer">
      <td colSpan={columns} style={{ height }} />
    </tr>
  );
}
