import { config } from 'zod/mini';

// zod compiles fast parsers with `new Function`, which the page's CSP (script-src 'self') forbids.
// Imported before anything that builds a schema, so zod never even probes for it.
config({ jitless: true });
