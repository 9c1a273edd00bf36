/**
 * An HTTPS_PROXY for tests: it answers every CONNECT with a tunnel to a port on this machine,
 * whatever host the client asked for, so that a name only "the proxy" resolves can be used.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';

/** A proxy (not yet listening) whose tunnels lead to `portFor(request)` on 127.0.0.1. */
export function tunnelProxy(portFor: (request: IncomingMessage) => number): Server {
  const proxy = createServer();
  proxy.on('connect', (request, client, head) => {
    const upstream = connect(portFor(request), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return proxy;
}
