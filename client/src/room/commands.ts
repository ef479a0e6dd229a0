import { nickKey } from '@meshchat/protocol';

/** What a line typed into the composer asks for. */
export type Command =
  | { kind: 'say'; text: string }
  | { kind: 'msg'; to: string; text: string }
  | { kind: 'users' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'usage' }
  | { kind: 'unknown-nick'; nick: string }
  | { kind: 'unknown-command'; name: string };

/**
 * Read one composer line. `people` are the nicknames a private message may go to; because
 * nicknames may contain spaces, the longest one that starts the rest of the line wins.
 */
export function parseCommand(input: string, people: readonly string[]): Command {
  const line = input.trim();
  if (!line.startsWith('/')) return { kind: 'say', text: line };
  if (line.startsWith('//')) return { kind: 'say', text: line.slice(1) };
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line);
  const name = (match?.[1] ?? '').toLowerCase();
  const rest = match?.[2] ?? '';
  switch (name) {
    case 'msg':
    case 'to':
      return parsePrivate(rest, people);
    case 'users':
    case 'who':
      return { kind: 'users' };
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'leave':
      return { kind: 'quit' };
    default:
      return { kind: 'unknown-command', name };
  }
}

function parsePrivate(rest: string, people: readonly string[]): Command {
  const usage: Command = { kind: 'usage' };
  if (rest === '') return usage;
  const quoted = /^"([^"]+)"\s*([\s\S]*)$/.exec(rest);
  if (quoted) {
    const to = people.find((nick) => nickKey(nick) === nickKey(quoted[1] ?? ''));
    const text = (quoted[2] ?? '').trim();
    if (!to) return { kind: 'unknown-nick', nick: quoted[1] ?? '' };
    return text ? { kind: 'msg', to, text } : usage;
  }
  const lower = nickKey(rest);
  const to = [...people]
    .sort((a, b) => b.length - a.length)
    .find((nick) => lower.startsWith(nickKey(nick)) && /^(\s|$)/.test(rest.slice(nick.length)));
  if (!to) return { kind: 'unknown-nick', nick: rest.split(/\s/)[0] ?? rest };
  const text = rest.slice(to.length).trim();
  return text ? { kind: 'msg', to, text } : usage;
}
