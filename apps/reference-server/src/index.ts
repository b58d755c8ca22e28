export {
  type ConformanceReportJson,
  DEFAULT_REPORT_CONNECTIONS,
  type ReportedConnection,
} from './conformance-report';
export { describeFault, type Fault, type FaultMatch, parseFault } from './faults';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel } from './log';
export {
  DEFAULT_MESSAGE_LOG_BYTES,
  type LoggedMessage,
  MESSAGE_SUMMARY_BYTES,
  type MessageLogOptions,
} from './message-log';
export {
  DEFAULT_HISTORY_LENGTH,
  type ReferenceServer,
  type ReferenceServerOptions,
  startReferenceServer,
} from './reference-server';
export { STREAM_NAME_PATTERN } from './stream-name';
