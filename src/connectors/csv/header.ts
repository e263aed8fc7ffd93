import {
  ALL_STANDARD_COLUMNS,
  ALWAYS_REQUIRED,
  isStandardColumn,
  normaliseHeader,
  STANDARD_COLUMNS,
  type StandardColumn,
} from "./columns.js";
import type { ColumnRule, Preset } from "./presets.js";
import { ImportFileError } from "./types.js";

/** Where each standard column comes from in one file. */
export interface SourceColumn {
  index: number;
  /** The header as written in the file, for messages. */
  name: string;
  unit: "major" | "micros";
  /** Currency named in the header itself ("Amount spent (EUR)"). */
  currency?: string;
}

export interface ColumnPlan {
  sources: Partial<Record<StandardColumn, SourceColumn>>;
  /** Standard columns filled with the physical line number (`--map '$line=ad_id'`). */
  fromLine: StandardColumn[];
}

/** Pseudo-column for --map: the record's line number, a row key for files that have none. */
export const LINE_SOURCE = "$line";
/** Extra --map target: cost given in micros (1e-6 of the currency unit). */
export const COST_MICROS_TARGET = "cost_micros";
/** --map target that drops a column which would otherwise match a standard name (`--map revenue=-`). */
export const IGNORE_TARGET = "-";

export interface PlanInput {
  file: string;
  header: readonly string[];
  preset: Preset;
  map: Record<string, string> | undefined;
  /** Standard columns whose value comes from an option (--date, --account, --platform) or the preset. */
  suppliedElsewhere: ReadonlySet<StandardColumn>;
}

export function planColumns(input: PlanInput): ColumnPlan {
  const { file, header, preset, map } = input;
  const byName = new Map<string, number>();
  header.forEach((name, index) => {
    const key = normaliseHeader(name);
    if (!byName.has(key)) byName.set(key, index);
  });
  const sources: Partial<Record<StandardColumn, SourceColumn>> = {};
  const fromLine: StandardColumn[] = [];
  const ignored = new Set<number>();
  const findSource = (source: string, rawTarget: string): number => {
    const index = byName.get(normaliseHeader(source));
    if (index === undefined) {
      throw new ImportFileError(
        `${file}: --map ${source}=${rawTarget}: the file has no column "${source}". Columns found: ${listColumns(header)}`,
        { file, line: 1, column: source },
      );
    }
    return index;
  };
  const assign = (rule: ColumnRule, index: number, currency?: string) => {
    if (sources[rule.target] || ignored.has(index)) return;
    const source: SourceColumn = { index, name: header[index], unit: rule.unit ?? "major" };
    if (currency) source.currency = currency;
    sources[rule.target] = source;
  };

  const entries = Object.entries(map ?? {});
  for (const [source, rawTarget] of entries) {
    if (rawTarget.trim() !== IGNORE_TARGET) continue;
    ignored.add(findSource(source, rawTarget));
  }
  for (const [source, rawTarget] of entries) {
    if (rawTarget.trim() === IGNORE_TARGET) continue;
    const rule = mapTarget(rawTarget, file);
    if (source.trim() === LINE_SOURCE) {
      fromLine.push(rule.target);
      continue;
    }
    const index = findSource(source, rawTarget);
    if (sources[rule.target] || fromLine.includes(rule.target)) {
      throw new ImportFileError(`${file}: --map gives "${rule.target}" more than one source column`, {
        file,
        line: 1,
        column: source,
      });
    }
    assign(rule, index);
  }
  for (const [source, rule] of preset.columns) {
    const index = byName.get(normaliseHeader(source));
    if (index !== undefined && !fromLine.includes(rule.target)) assign(rule, index);
  }
  for (const { pattern, rule } of preset.currencyHeaders ?? []) {
    for (const [name, index] of byName) {
      const match = pattern.exec(name);
      if (match && !fromLine.includes(rule.target)) assign(rule, index, match[1].toUpperCase());
    }
  }
  for (const target of ALL_STANDARD_COLUMNS) {
    const index = byName.get(target);
    if (index !== undefined && !fromLine.includes(target)) assign({ target }, index);
  }

  const strict = preset.name === "standard" && entries.length === 0;
  const required = strict ? STANDARD_COLUMNS : ALWAYS_REQUIRED;
  const missing = required.filter(
    (c) => !sources[c] && !fromLine.includes(c) && !input.suppliedElsewhere.has(c),
  );
  if (missing.length > 0) {
    const hints = missing
      .map((c) => OPTION_HINT[c])
      .filter((h) => h !== undefined)
      .join("; ");
    throw new ImportFileError(
      `${file}: missing required column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")} ` +
        `(preset "${preset.name}"). Columns found: ${listColumns(header)}. ` +
        `Required: ${required.join(", ")}. Use --preset for a platform export or --map source=target` +
        (hints ? `; ${hints}` : "") +
        ".",
      { file, line: 1, column: missing[0] },
    );
  }
  return { sources, fromLine };
}

const OPTION_HINT: Partial<Record<StandardColumn, string>> = {
  date: "--date gives one date to a file without dates",
  account_id: "--account gives the account of a file without account ids",
  platform: "--platform gives the platform of a file without a platform column",
};

function mapTarget(raw: string, file: string): ColumnRule {
  const target = raw.trim().toLowerCase();
  if (target === COST_MICROS_TARGET) return { target: "cost", unit: "micros" };
  if (isStandardColumn(target)) return { target };
  throw new ImportFileError(
    `${file}: --map target "${raw}" is not a standard column; expected one of ${[...ALL_STANDARD_COLUMNS, COST_MICROS_TARGET].join(", ")}, or "-" to ignore the column`,
    { file },
  );
}

function listColumns(header: readonly string[]): string {
  return header.length === 0 ? "(none)" : header.map((h) => `"${h}"`).join(", ");
}
