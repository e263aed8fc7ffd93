/** Renders rows as an aligned text table: text left-aligned, numbers right-aligned. */
export function renderTable(
  headers: string[],
  rows: string[][],
  numericColumns: Set<number> = new Set(),
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numericColumns.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function csvLine(cells: (string | number | null)[]): string {
  return cells
    .map((cell) => {
      const text = cell === null ? "" : String(cell);
      return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(",");
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const formatInteger = (n: number) => integer.format(n);
export const formatDecimal = (n: number | null) => (n === null ? "-" : decimal2.format(n));
export const formatPercent = (n: number | null) => (n === null ? "-" : `${decimal2.format(n * 100)}%`);
