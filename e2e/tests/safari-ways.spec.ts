// What Safari (and every browser on an iPhone) does differently, played in Chromium: no screen to
// share, and sound it will not start without a press. The app must offer what works instead.
import { button } from '../helpers/call-stats';
import { expect, test } from '../helpers/fixtures';

/**
 * As on an iPhone: no `getDisplayMedia`; and, as Safari's autoplay rules may, sound refused until
 * the person presses something that asks for it (here: only the app's own Play button counts).
 */
const LIKE_SAFARI = () => {
  Object.defineProperty(MediaDevices.prototype, 'getDisplayMedia', { value: undefined, configurable: true });
  const play = HTMLMediaElement.prototype.play;
  const state = window as unknown as { __pressed: boolean; __refused: number };
  state.__refused = 0;
  state.__pressed = false;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (!state.__pressed && !this.muted) {
      state.__refused += 1;
      return Promise.reject(new DOMException('play() needs the person to start it', 'NotAllowedError'));
    }
    return play.call(this);
  };
  document.addEventListener(
    'click',
    (event) => {
      if (event.composedPath().some((target) => target instanceof HTMLElement && target.classList.contains('play-sound'))) state.__pressed = true;
    },
    { capture: true },
  );
};

test('like Safari: no Share screen without getDisplayMedia, and sound the browser will not start is one press away', async ({ join }) => {
  const alice = await join('alice', 'safari-ways');
  const bob = await join('bob', 'safari-ways', LIKE_SAFARI);
  await alice.connectedTo('bob');
  await button(alice, 'Join call').click();
  await button(bob, 'Join call').click();
  await expect(button(bob, 'Mute')).toBeVisible();
  await expect(bob.page.getByRole('button', { name: 'Share screen' })).toHaveCount(0);
  await expect(alice.page.getByRole('button', { name: 'Share screen' })).toBeVisible();
  const play = bob.page.getByRole('button', { name: "Play the call's sound" });
  await expect(play).toBeVisible();
  expect(await bob.page.evaluate(() => (window as unknown as { __refused: number }).__refused)).toBeGreaterThan(0);
  // The press starts every tile's sound; nothing is refused any more, so the button goes.
  await play.click();
  await expect(play).toHaveCount(0);
});
