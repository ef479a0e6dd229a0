import './zod-config';
import './page.css';
import { preferredLanguage, useLanguage } from './ui/i18n';

// The interface's language is loaded before the app first renders, so it never flashes English.
await useLanguage(preferredLanguage());
await import('./ui');
