/**
 * The auth layer writes its lines through the client's one log sink (see
 * observability/log-sink): redacted with the same secret set as errors, and contained.
 */
export {
  createLogSink as safeLogger,
  type LogFields,
  type LogLevel,
  type LogLine,
} from '../observability/log-sink';
