// The RtmpServer most tests here start: ephemeral port on loopback, closed after the test.
import { RtmpServer, type RtmpServerOptions } from '@rtmp/server';

/** Starts an RtmpServer (`port: 0` unless given) and hands its close to `defer`; `url` includes the app `live`. */
export async function startServer(
  defer: (cleanup: () => unknown) => void,
  options: RtmpServerOptions = {},
): Promise<{ server: RtmpServer; port: number; url: string }> {
  const server = new RtmpServer({ port: 0, ...options });
  const { url, port } = await server.listen();
  defer(() => server.close());
  return { server, port, url: `${url}/live` };
}
