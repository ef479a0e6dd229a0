import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkify } from '../../src/ui/linkify';

describe('linkify', () => {
  it('turns http(s) URLs into links and leaves the rest as text', () => {
    assert.deepEqual(linkify('see https://example.org/a?b=1 now'), [
      { text: 'see ' },
      { text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { text: ' now' },
    ]);
    assert.deepEqual(linkify('no links here'), [{ text: 'no links here' }]);
  });

  it('links a bare www. address as https, but not inside a word, an e-mail address or a path, nor a www. with no domain', () => {
    assert.deepEqual(linkify('see www.example.org/a, ok'), [
      { text: 'see ' },
      { text: 'www.example.org/a', href: 'https://www.example.org/a' },
      { text: ', ok' },
    ]);
    for (const text of ['awww.example.org', 'me@www.example.org', 'http://x.org/www.example.org', 'www.', 'www.local', 'www.example.1']) {
      assert.deepEqual(linkify(text).filter((piece) => 'href' in piece && piece.text.startsWith('www')), [], text);
    }
  });

  it('leaves sentence punctuation outside the link', () => {
    assert.deepEqual(linkify('(http://example.org).'), [
      { text: '(' },
      { text: 'http://example.org', href: 'http://example.org/' },
      { text: ').' },
    ]);
  });

  it('never links other schemes or markup', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '[click](javascript:alert(1))',
      '<a href="javascript:alert(1)">x</a>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
    ]) {
      assert.ok(linkify(text).every((piece) => !('href' in piece)), text);
    }
  });

  it('stops a URL at quotes and angle brackets, so markup cannot ride along', () => {
    const pieces = linkify('http://x.test/"><img src=x onerror=alert(1)>');
    assert.deepEqual(pieces[0], { text: 'http://x.test/', href: 'http://x.test/' });
    assert.equal(pieces.filter((piece) => 'href' in piece).length, 1);
  });
});
