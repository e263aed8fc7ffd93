export {
  buildDataManagerIngest,
  DATA_MANAGER_BASE_URL,
  type GoogleDestination,
  type IngestOptions,
  MAX_EVENTS_PER_INGEST,
} from "./google.js";
export { buildCapiEvents, type CapiOptions, MAX_CAPI_EVENTS } from "./meta.js";
export {
  normaliseCity,
  normaliseEmailForGoogle,
  normaliseEmailForMeta,
  normaliseName,
  normalisePhoneForGoogle,
  normalisePhoneForMeta,
  sha256Hex,
} from "./normalise.js";
export { type PipelineConversionQuery, pipelineConversions } from "./pipeline.js";
export type { OfflineConversion } from "./types.js";
export {
  type GoogleUploadOptions,
  type MetaUploadOptions,
  type UploadMode,
  type UploadResult,
  uploadToGoogle,
  uploadToMeta,
} from "./upload.js";
