import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on loopback that records every byte in both directions of each connection. */
export interface RecordingProxy {
  readonly port: number;
  /** Bytes the client sent, per accepted connection, in order of acceptance. */
  clientBytes(connection?: number): Buffer;
  /** Bytes the upstream server sent back, per accepted connection. */
  serverBytes(connection?: number): Buffer;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a proxy on an ephemeral loopback port that forwards to `upstreamPort`. */
export function startRecordingProxy(
  upstreamPort: number,
  upstreamHost = '127.0.0.1',
): Promise<RecordingProxy> {
  const fromClient: Buffer[][] = [];
  const fromServer: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const index = fromClient.push([]) - 1;
    fromServer.push([]);
    const upstream = connect({ port: upstreamPort, host: upstreamHost });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      fromClient[index]!.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      fromServer[index]!.push(chunk);
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('proxy has no address'));
      resolve({
        port: address.port,
        clientBytes: (connection = 0) => Buffer.concat(fromClient[connection] ?? []),
        serverBytes: (connection = 0) => Buffer.concat(fromServer[connection] ?? []),
        connections: () => fromClient.length,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
