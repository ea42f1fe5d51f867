/**
 * Caps open TCP connections per client address, counted at `connection` (before TLS,
 * before a byte of HTTP), so one address cannot hold every descriptor of the process.
 * A connection from a trusted proxy is not counted: it carries many clients, and the
 * proxy caps those itself (the nginx site in deploy/ has `limit_conn`).
 */
import type net from 'node:net';

export class ConnectionCap {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly perAddress: number,
    /** proxy-addr's trust function; hop 0 is the TCP peer. */
    private readonly trusted: (address: string, hop: number) => boolean,
    private readonly onRefused: () => void = () => {},
  ) {}

  /** Counts (and refuses beyond the cap) every connection the server accepts. */
  attach(server: net.Server): void {
    if (this.perAddress <= 0) return;
    server.on('connection', (socket: net.Socket) => this.admit(socket));
  }

  private admit(socket: net.Socket): void {
    const address = socket.remoteAddress;
    if (!address || this.trusted(address, 0)) return;
    const n = this.open.get(address) ?? 0;
    if (n >= this.perAddress) {
      this.onRefused();
      socket.destroy();
      return;
    }
    this.open.set(address, n + 1);
    socket.once('close', () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left <= 0) this.open.delete(address);
      else this.open.set(address, left);
    });
  }

  /** Open connections counted for this address (tests, metrics). */
  countOf(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
