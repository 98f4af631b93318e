export { validateMessage, compileRecordSchema, protocolDir } from './protocol-schema.js';
export { runConnector, ofType, type ConnectorRun, type RunConnectorOptions } from './run-connector.js';
export { catalogFor } from './catalog.js';
export { startExampleServer, updatedAt, type ExampleServer, type Fault } from './example-server.js';
export { sampleRss, type RssSamples } from './rss.js';
export {
  harness,
  catalogOf,
  jsonFile,
  type Harness,
  type HarnessOptions,
  type ReadOptions,
  type CheckRun,
} from './harness.js';
