export { startReplayServer, type ReplayServer, type ReplayOptions, type Handler } from './replay/server.js';
export { loadExchanges, type Exchange, type FaultSpec } from './replay/fixtures.js';
export { differences, soapCall, type LiveRequest } from './replay/match.js';
export { startS3Server, DEFAULT_S3_CREDENTIALS, type S3Server, type S3Fault } from './s3/server.js';
export {
  loadAcceptanceConfigs,
  startEnvironment,
  repoRoot,
  type AcceptanceConfig,
  type Environment,
} from './suite/config.js';
export * as checks from './suite/checks.js';
export { scanForSecrets } from './suite/scan.js';
export { run as runForSuite, writeJson } from './suite/runner.js';
export { connectorHarness, type ConnectorHarness, type ConnectorHarnessOptions } from './harness.js';
