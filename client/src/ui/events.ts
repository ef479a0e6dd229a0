/** Events the components fire upwards; the app turns them into controller calls. */
import type { ChatLine, Transfer } from '../room';

const options = { bubbles: true, composed: true } as const;

export class JoinRequestEvent extends Event {
  static readonly type = 'join-request';
  constructor(
    readonly nick: string,
    readonly room: string,
    /** Whether the room's recent messages are to be given to people who join later. */
    readonly history = true,
  ) {
    super(JoinRequestEvent.type, options);
  }
}

/** Start a new private room, whose secret only its link carries. */
export class CreatePrivateEvent extends Event {
  static readonly type = 'create-private';
  constructor(
    readonly nick: string,
    readonly history = true,
  ) {
    super(CreatePrivateEvent.type, options);
  }
}

/** The first screen's "Keep this room on this device" was turned on or off. */
export class KeepChoiceEvent extends Event {
  static readonly type = 'keep-choice';
  constructor(readonly keep: boolean) {
    super(KeepChoiceEvent.type, options);
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

/** The user compared their safety code `code` with `nick` by other means, and it matched. */
export class ComparedEvent extends Event {
  static readonly type = 'compared';
  constructor(
    readonly nick: string,
    readonly code: string,
  ) {
    super(ComparedEvent.type, options);
  }

  /** How a compared code is remembered: the same person with a new code is not compared. */
  static key(nick: string, code: string): string {
    return `${nick}\n${code}`;
  }
}

/** The composer's text changed: whoever it is for may be told that we are typing. */
export class DraftEvent extends Event {
  static readonly type = 'draft';
  constructor(readonly text: string) {
    super(DraftEvent.type, options);
  }
}

/** Files were picked or dropped, to offer to the conversation on screen. */
export class SendFilesEvent extends Event {
  static readonly type = 'send-files';
  constructor(readonly files: readonly File[]) {
    super(SendFilesEvent.type, options);
  }
}

/** Accept, decline or cancel one file transfer. */
export class FileActionEvent extends Event {
  static readonly type = 'file-action';
  constructor(
    readonly transfer: Transfer,
    readonly action: 'accept' | 'decline' | 'cancel',
  ) {
    super(FileActionEvent.type, options);
  }
}

/** Show the room (`nick` undefined) or the private conversation with `nick`. */
export class OpenViewEvent extends Event {
  static readonly type = 'open-view';
  constructor(readonly nick: string | undefined) {
    super(OpenViewEvent.type, options);
  }
}
/** The user chose to leave the room (asked first, where others are here). */
export class LeaveRoomEvent extends Event {
  static readonly type = 'leave-room';
  constructor() {
    super(LeaveRoomEvent.type, options);
  }
}

/** The phone's People drawer is to close (Close, or Escape inside it). */
export class CloseDrawerEvent extends Event {
  static readonly type = 'close-drawer';
  constructor() {
    super(CloseDrawerEvent.type, options);
  }
}

declare global {
  interface HTMLElementEventMap {
    'join-request': JoinRequestEvent;
    'pair-request': PairRequestEvent;
    'create-private': CreatePrivateEvent;
    'send-message': SendMessageEvent;
    'private-to': PrivateToEvent;
    draft: DraftEvent;
    'send-files': SendFilesEvent;
    'file-action': FileActionEvent;
    'open-view': OpenViewEvent;
    'leave-room': LeaveRoomEvent;
    'close-drawer': CloseDrawerEvent;
    'keep-choice': KeepChoiceEvent;
  }
}

/** Something to do with one message: reply to it, react to it (with `emoji`), edit it, or delete it (once `confirmed`). */
export class MessageActionEvent extends Event {
  static readonly type = 'message-action';
  constructor(
    readonly action: 'reply' | 'react' | 'edit' | 'delete',
    readonly line: ChatLine,
    readonly emoji?: string,
    /** A deletion the person confirmed (see `DeleteQuestion`); until then it is only asked. */
    readonly confirmed = false,
  ) {
    super(MessageActionEvent.type, options);
  }
}

/** The reply or edit under way in the composer is given up (Escape, or its Cancel button). */
export class CancelDraftEvent extends Event {
  static readonly type = 'cancel-draft';
  constructor() {
    super(CancelDraftEvent.type, options);
  }
}

/** Arrow Up in an empty composer: edit our last message here. */
export class EditLastEvent extends Event {
  static readonly type = 'edit-last';
  constructor() {
    super(EditLastEvent.type, options);
  }
}

/** Open a picture of the conversation large (`url`: the object URL it is shown from). */
export class OpenPictureEvent extends Event {
  static readonly type = 'open-picture';
  constructor(readonly url: string) {
    super(OpenPictureEvent.type, options);
  }
}
