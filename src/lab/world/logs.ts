/**
 * Append-only columns of rare events (clicks, conversions, pipeline events). They grow by doubling,
 * so appending is amortised O(1) and allocates only when a column is full.
 */
export class GrowableColumns {
  length = 0;
  columns: Float64Array[];
  constructor(
    readonly names: readonly string[],
    capacity = 1024,
  ) {
    this.columns = names.map(() => new Float64Array(capacity));
  }

  push4(a: number, b: number, c: number, d: number): number {
    const i = this.reserve();
    const cols = this.columns;
    cols[0]![i] = a;
    cols[1]![i] = b;
    cols[2]![i] = c;
    cols[3]![i] = d;
    return i;
  }

  push6(a: number, b: number, c: number, d: number, e: number, f: number): number {
    const i = this.push4(a, b, c, d);
    this.columns[4]![i] = e;
    this.columns[5]![i] = f;
    return i;
  }

  get(column: number, row: number): number {
    return this.columns[column]![row]!;
  }

  private reserve(): number {
    if (this.length === this.columns[0]!.length) {
      this.columns = this.columns.map((col) => {
        const bigger = new Float64Array(col.length * 2);
        bigger.set(col);
        return bigger;
      });
    }
    return this.length++;
  }

  /** Trimmed copies, for serialisation. */
  export(): Float64Array[] {
    return this.columns.map((c) => c.slice(0, this.length));
  }

  import(columns: Float64Array[]): void {
    const n = columns[0]?.length ?? 0;
    this.columns = columns.map((c) => {
      const col = new Float64Array(Math.max(1024, n * 2));
      col.set(c);
      return col;
    });
    this.length = n;
  }
}

/** Click log: absolute hour, ad, device id (what the platform sees), user (ground truth). */
export const CLICK_COLUMNS = ["hour", "ad", "device", "user"] as const;
/** Conversion log: absolute hour, user, credited ad (-1 none), value (minor), incremental 0/1, click id (-1 none). */
export const CONVERSION_COLUMNS = ["hour", "user", "ad", "valueMinor", "incremental", "click"] as const;
/** CRM pipeline: absolute hour, click id, stage index (0 = lead), value (minor, closed stage only). */
export const PIPELINE_COLUMNS = ["hour", "click", "stage", "valueMinor"] as const;
