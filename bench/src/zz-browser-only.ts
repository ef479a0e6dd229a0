import { browserBench } from './browser';
await browserBench({ smoke: false } as never, (line) => console.log(line));
