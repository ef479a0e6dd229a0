/**
 * Cross-site scripting payloads: HTML, event handlers, SVG/MathML, `javascript:` and `data:` URLs,
 * markdown and template tricks, encodings. Each one, if it ever ran, would set `window.__xss`.
 */
const VECTORS = [
  '<script>window.__xss=1</script>',
  '"><script>window.__xss=1</script>',
  "'><script>window.__xss=1</script>",
  '</p><script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '<img src=x onerror=window.__xss=1//',
  '<svg onload=window.__xss=1>',
  '<svg><script>window.__xss=1</script></svg>',
  '<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>',
  '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '<body onload=window.__xss=1>',
  '<details open ontoggle=window.__xss=1>',
  '<input autofocus onfocus=window.__xss=1>',
  '<marquee onstart=window.__xss=1>',
  '<video><source onerror=window.__xss=1></video>',
  '<audio src=x onerror=window.__xss=1>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '<object data="javascript:window.__xss=1"></object>',
  '<embed src="data:text/html,<script>parent.__xss=1</script>">',
  '<a href="javascript:window.__xss=1">click</a>',
  '<a href="  javascript:window.__xss=1">click</a>',
  '<form action="javascript:window.__xss=1"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  '<base href="javascript:window.__xss=1//">',
  '<link rel=stylesheet href="javascript:window.__xss=1">',
  '<style>@import "javascript:window.__xss=1";</style>',
  '<template><img src=x onerror=window.__xss=1></template>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
  'javascript:window.__xss=1',
  'JaVaScRiPt:window.__xss=1',
  '&#106;avascript:window.__xss=1',
  'javascript&colon;window.__xss=1',
  'data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==',
  '[click me](javascript:window.__xss=1)',
  '![img](x" onerror="window.__xss=1)',
  '[a](https://x.test "title" onclick=window.__xss=1)',
  '<https://x.test" onclick="window.__xss=1>',
  '**<img src=x onerror=window.__xss=1>**',
  '`<img src=x onerror=window.__xss=1>`',
  "{{constructor.constructor('window.__xss=1')()}}",
  '${window.__xss=1}',
  'http://x.test/"><img src=x onerror=window.__xss=1>',
  "https://x.test/#'onmouseover='window.__xss=1",
];

const CONTEXTS = [
  (vector: string) => vector,
  (vector: string) => `hello ${vector}`,
  (vector: string) => `${vector}\nsecond line`,
  (vector: string) => `https://ok.test/page ${vector}`,
  (vector: string) => `\u202e${vector}\u200b`,
];

export const XSS_PAYLOADS: string[] = CONTEXTS.flatMap((context) => VECTORS.map(context));

/** Each vector once, its context taking turns: every kind of payload, a fifth of the count. */
export const EACH_VECTOR_ONCE: string[] = VECTORS.map((vector, i) => (CONTEXTS[i % CONTEXTS.length] ?? ((each: string) => each))(vector));
