export {
  type DropFileResult,
  type DropFolderOptions,
  scanDropFolder,
  watchDropFolder,
} from "./drop-folder.js";
