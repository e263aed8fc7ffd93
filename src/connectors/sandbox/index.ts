export { SandboxConnector, type SandboxConnectorOptions } from "./connector.js";
export { type RunLabOptions, runLab } from "./lab-api.js";
export { listScenarios, loadScenario, type ScenarioListing, SHIPPED_SCENARIO_DIR } from "./scenario-files.js";
