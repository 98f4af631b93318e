export { startReplayServer, type ReplayServer, type ReplayOptions, type Handler } from './replay/server.js';
export { loadExchanges, type Exchange, type FaultSpec } from './replay/fixtures.js';
export { differences, soapCall, type LiveRequest } from './replay/match.js';
export { startS3Server, DEFAULT_S3_CREDENTIALS, type S3Server, type S3Fault } from './s3/server.js';
