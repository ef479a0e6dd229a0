/**
 * Headless Chromium never hides a tab, so the page is told it is hidden the way a browser would:
 * `document.hidden` and a `visibilitychange` event (`setHidden`, evaluated in the page).
 * Notifications the page shows are recorded.
 */
export const BACKGROUND_TAB = () => {
  const state = window as unknown as { __hidden: boolean; __notified: { title: string; body: string }[] };
  state.__hidden = false;
  state.__notified = [];
  Object.defineProperty(document, 'hidden', { get: () => state.__hidden });
  Object.defineProperty(document, 'visibilityState', { get: () => (state.__hidden ? 'hidden' : 'visible') });
  const Native = window.Notification;
  window.Notification = class extends Native {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      state.__notified.push({ title, body: options?.body ?? '' });
    }
  } as typeof Notification;
};

export const setHidden = (hidden: boolean) => {
  (window as unknown as { __hidden: boolean }).__hidden = hidden;
  document.dispatchEvent(new Event('visibilitychange'));
};
