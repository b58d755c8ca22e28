export { createLogger, type Logger, type LogLevel } from './log';
export { type ReferenceServer, type ReferenceServerOptions, startReferenceServer } from './reference-server';
export { STREAM_NAME_PATTERN } from './stream-name';
