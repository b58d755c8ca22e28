import { RtmpClientError } from '@rtmp/client';
import { FlvError } from '@rtmp/flv';

/** Exit codes of rtmp-publish and rtmp-record: scripts can tell failures apart. */
export const ExitCode = {
  Ok: 0,
  /** Bad arguments, or input that is not (entirely) FLV. */
  InputError: 1,
  /** The server could not be reached, or the connection failed. */
  ConnectionFailed: 2,
  /** The server refused the connection, the publish or the play. */
  Rejected: 3,
  /** Stopped by Ctrl-C (after unpublishing cleanly). */
  Interrupted: 130,
} as const;

/** The exit code and one-line message for an error, without a stack trace. */
export function describeFailure(error: unknown): { code: number; message: string } {
  if (RtmpClientError.isInstance(error)) {
    switch (error.code) {
      case 'CLIENT_CONNECT_REJECTED':
      case 'CLIENT_PUBLISH_REJECTED':
      case 'CLIENT_PLAY_FAILED':
        return {
          code: ExitCode.Rejected,
          message: `rejected by the server: ${error.statusCode ?? ''}${error.description ? ` (${error.description})` : ''}`,
        };
      case 'CLIENT_INVALID_URL':
        return { code: ExitCode.InputError, message: error.message };
      case 'CLIENT_ABORTED':
        return { code: ExitCode.Interrupted, message: 'interrupted' };
      default:
        return { code: ExitCode.ConnectionFailed, message: `connection failed: ${error.message}` };
    }
  }
  if (FlvError.isInstance(error))
    return { code: ExitCode.InputError, message: `input is not a usable FLV file: ${error.message}` };
  const errno = error as NodeJS.ErrnoException;
  if (errno?.code === 'ENOENT' || errno?.code === 'EISDIR' || errno?.code === 'EACCES') {
    return { code: ExitCode.InputError, message: `cannot open ${errno.path ?? 'the input'}: ${errno.code}` };
  }
  return { code: ExitCode.InputError, message: error instanceof Error ? error.message : String(error) };
}
