// CSV performance-data import: parsing half. Streams a file into validated standard rows or rejections;
// the store decides what to write. See README.md for the format, presets and number/date rules.
export { STANDARD_COLUMNS } from "./columns.js";
export { describePresets } from "./presets.js";
export { readImportFile, readImportStream } from "./reader.js";
export type {
  DateOrder,
  ImportEvent,
  ImportOptions,
  PresetName,
  RowRejection,
  StandardRow,
} from "./types.js";
export { ImportFileError, PRESET_NAMES } from "./types.js";
