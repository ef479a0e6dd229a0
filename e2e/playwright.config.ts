import { defineConfig, type LaunchOptions } from '@playwright/test';
import { CHROMIUM_FLAGS, chromium, headlessShell } from '@meshchat/testkit/chromium-flags';
import { EXPECT_TIMEOUT_MS } from './helpers/limits';
import { speakingMicrophone } from './helpers/noise-video';

// Every page's microphone talks (see noise-video.ts): calls have speech to hear and to show as speaking.
const launch = (executablePath: string | undefined): LaunchOptions => ({
  ...(executablePath ? { executablePath } : {}),
  args: [...CHROMIUM_FLAGS, `--use-file-for-fake-audio-capture=${speakingMicrophone()}`],
});

const NEEDS_FULL_BROWSER = /attention\.spec\.ts/;
const CHAOS = /chaos\.spec\.ts/;
const NAT = /nat\.spec\.ts/;
const SIX_CAMERAS = /call-six\.spec\.ts/;
const GOVERNOR = /call-(governor|narrow)\.spec\.ts/;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: EXPECT_TIMEOUT_MS },
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['./helpers/headroom.ts', { expectTimeoutMs: EXPECT_TIMEOUT_MS }]],
  outputDir: '../test-results',
  projects: [
    { name: 'e2e', testIgnore: [CHAOS, NAT, SIX_CAMERAS, NEEDS_FULL_BROWSER, GOVERNOR], use: { launchOptions: launch(headlessShell) } },
    { name: 'browser', testMatch: NEEDS_FULL_BROWSER, use: { launchOptions: launch(chromium) } },
    // The governor checks that twenty encoders reach the rates it sets: beside another call's test
    // (three cameras and a screen) neither got the CPU it measures on a slow day (2026-12-07: 219
    // kbps of 300, a screen that stopped decoding). It runs alone, after the others, about 55 s.
    // So does the narrowed link's test (about 80 s): beside that three-camera call, both cameras fell
    // from the top step on a free link before it narrowed anything (CI, 2026-12-08), the congestion
    // control reading starved encoders as a short link.
    { name: 'governor', testMatch: GOVERNOR, dependencies: ['e2e', 'browser'], workers: 1, use: { launchOptions: launch(headlessShell) } },
    // Four pages chatting flat out for a minute would starve whatever ran beside it on two cores:
    // it runs alone, after everything else.
    { name: 'chaos', testMatch: CHAOS, dependencies: ['governor'], use: { launchOptions: launch(headlessShell) } },
    // The NAT lab starts a browser per site and times each pair: it too runs alone, last.
    { name: 'nat', testMatch: NAT, dependencies: ['chaos'], use: { launchOptions: launch(headlessShell) } },
    // Six pages each sending its camera to five: thirty encoders and thirty decoders, alone at the end.
    { name: 'six-cameras', testMatch: SIX_CAMERAS, dependencies: ['nat'], use: { launchOptions: launch(headlessShell) } },
  ],
  use: {
    browserName: 'chromium',
    // DOM snapshots of a failed test, without the screencast: screenshots cost a third of a page's CPU.
    trace: { mode: 'retain-on-failure', screenshots: false },
  },
});
