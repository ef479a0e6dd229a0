/**
 * The web client's Content-Security-Policy, the same wherever the page is served from:
 * scripts and styles from the page's own origin only, and connections only to the page's origin
 * and to the signaling servers named (each allowed over http(s) and ws(s)).
 */
export function cspDirectives(signalingOrigins: readonly string[]): Record<string, string[]> {
  const connect = ["'self'"];
  for (const url of signalingOrigins) {
    const { origin, protocol, host } = new URL(url);
    connect.push(origin, `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}`);
  }
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'connect-src': connect,
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

export function cspHeader(signalingOrigins: readonly string[]): string {
  return Object.entries(cspDirectives(signalingOrigins))
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
