// Six cameras, the most a call carries at once by default: every page sends its camera to five
// others and receives five. Each sender's outgoing bitrate on every link follows its share of the
// upload (getStats bytesSent over time against the budget). Thirty encoders and thirty decoders
// on two cores: it runs on its own, after the rest.
import { budget, button, followsBudget } from '../helpers/call-stats';
import { CHROMIUM_FLAGS, headlessShell } from '@meshchat/testkit/chromium-flags';
import { CAPTURE_CHANNELS } from '../helpers/capture';
import { expect, test } from '../helpers/fixtures';
import { fillJoin, User } from '@meshchat/testkit/user';
import { noiseCameraFlags } from '../helpers/noise-video';

test.use({ launchOptions: { ...(headlessShell ? { executablePath: headlessShell } : {}), args: [...CHROMIUM_FLAGS, ...noiseCameraFlags()] } });

/** The upload each page is given for video (kbps): a fifth of it to each receiver. */
const UPLOAD_KBPS = 900;
const NICKS = ['alice', 'bob', 'carol', 'dan', 'erin', 'fay'];

test('six cameras: each sends each of the five others its share of the upload', async ({ openPage }) => {
  test.setTimeout(420_000);
  const room: User[] = [];
  for (const nick of NICKS) {
    const page = await openPage(`?room=six&upload=${UPLOAD_KBPS}`, CAPTURE_CHANNELS);
    await fillJoin(page, nick);
    room.push(new User(page, nick));
  }
  for (const user of room) await user.connectedTo(...room.filter((other) => other !== user).map(({ nick }) => nick));

  for (const user of room) {
    await button(user, 'Join call').click();
    await button(user, 'Camera').click();
    await expect(button(user, 'Camera')).toHaveAttribute('aria-pressed', 'true');
  }
  const expected = budget(UPLOAD_KBPS, NICKS.length);
  for (const user of room) {
    for (const other of room.filter((each) => each !== user)) await expect(user.page.locator(`[data-call-peer="${other.nick}"] video`)).toBeVisible();
    await followsBudget(user, NICKS.length - 1, expected, 90_000);
  }
});
