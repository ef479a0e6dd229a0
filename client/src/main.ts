import './zod-config';
import './page.css';
import { preferredLanguage, useLanguage } from './ui/i18n';

// The interface's language is loaded before the app first renders, so it never flashes English.
await useLanguage(preferredLanguage());
await import('./ui');

// The app is kept for use with no network (a service worker), once the page has shown itself and is idle.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const keep = () => void import('./ui/update-prompt').then(({ keepTheApp }) => keepTheApp());
  if ('requestIdleCallback' in window) requestIdleCallback(keep, { timeout: 3_000 });
  else setTimeout(keep, 1_000);
}
