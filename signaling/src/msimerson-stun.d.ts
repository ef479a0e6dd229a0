// The parts of @msimerson/stun (plain JavaScript) this server uses.
declare module '@msimerson/stun' {
  interface StunMessage {
    readonly type: number;
    readonly transactionId: Buffer;
  }
  interface StunResponseMessage extends StunMessage {
    addXorAddress(address: string, port: number): unknown;
    toBuffer(): Buffer;
  }
  interface StunReply extends StunMessage {
    getXorAddress(): { address: string; port: number; family: string } | undefined;
  }
  const stun: {
    constants: { STUN_BINDING_REQUEST: number; STUN_BINDING_RESPONSE: number };
    decode(message: Buffer): StunMessage;
    createMessage(type: number, transaction?: Buffer): StunResponseMessage;
    request(url: string, options?: { timeout?: number; retries?: number }): Promise<StunReply>;
  };
  export default stun;
}
