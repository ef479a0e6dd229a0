/** Events the components fire upwards; the app turns them into controller calls. */

const options = { bubbles: true, composed: true } as const;

export class JoinRequestEvent extends Event {
  static readonly type = 'join-request';
  constructor(
    readonly nick: string,
    readonly room: string,
  ) {
    super(JoinRequestEvent.type, options);
  }
}

/** Start a new private room, whose secret only its link carries. */
export class CreatePrivateEvent extends Event {
  static readonly type = 'create-private';
  constructor(readonly nick: string) {
    super(CreatePrivateEvent.type, options);
  }
}

export class PairRequestEvent extends Event {
  static readonly type = 'pair-request';
  constructor(readonly nick: string) {
    super(PairRequestEvent.type, options);
  }
}

export class SendMessageEvent extends Event {
  static readonly type = 'send-message';
  constructor(readonly text: string) {
    super(SendMessageEvent.type, options);
  }
}

/** A person in the People list was picked: start a private message to them. */
export class PrivateToEvent extends Event {
  static readonly type = 'private-to';
  constructor(readonly nick: string) {
    super(PrivateToEvent.type, options);
  }
}

declare global {
  interface HTMLElementEventMap {
    'join-request': JoinRequestEvent;
    'pair-request': PairRequestEvent;
    'create-private': CreatePrivateEvent;
    'send-message': SendMessageEvent;
    'private-to': PrivateToEvent;
  }
}
