export { createLogger, type Logger, type LogLevel } from './log';
export { type ReferenceServer, type ReferenceServerOptions, startReferenceServer } from './reference-server';
