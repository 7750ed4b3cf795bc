import type { AddressInfo, Server } from 'node:net';

/** Listens on `port` (0: a free one) and answers the port it got; a bind error rejects instead of being thrown later. */
export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting; resolves once the server has closed (open connections are the caller's to end). */
export function closeServer(server: Server | undefined): Promise<void> {
  return server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
}
