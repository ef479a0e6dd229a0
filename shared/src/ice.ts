/** One ICE server as `RTCIceServer` takes it (the type is repeated here for Node, which lacks it). */
export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What `GET /ice` answers: the ICE servers to use, and when their credentials stop working. */
export interface IceConfig {
  iceServers: IceServerConfig[];
  /** Milliseconds since the epoch; `null` when nothing in it expires. */
  expiresAt: number | null;
}
