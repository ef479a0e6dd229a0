import type { Page } from '@playwright/test';

export interface Captured {
  __channels: RTCDataChannel[];
  __connections: RTCPeerConnection[];
  /** When each of `__connections` was made (performance.now()). */
  __madeAt: number[];
}

/** Keeps every peer connection and data channel a page makes, so a test can act on them directly. */
export const CAPTURE_CHANNELS = () => {
  const Native = window.RTCPeerConnection;
  const captured = window as unknown as Captured;
  const channels: RTCDataChannel[] = (captured.__channels = []);
  const connections: RTCPeerConnection[] = (captured.__connections = []);
  const madeAt: number[] = (captured.__madeAt = []);
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      connections.push(this);
      madeAt.push(performance.now());
      this.addEventListener('datachannel', (event) => channels.push(event.channel));
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit) {
      const channel = super.createDataChannel(label, init);
      channels.push(channel);
      return channel;
    }
  };
};

/** An init script that collects the Content-Security-Policy violations a page reports. */
export const WATCH_CSP = () => {
  const seen: string[] = [];
  (window as unknown as { __csp: string[] }).__csp = seen;
  document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
};

/** What WATCH_CSP collected so far. */
export const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
