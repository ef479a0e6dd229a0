import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blobType, isRasterImage, realExtension, saveName, visibleName } from '../../src/room/file-names';

describe('received file names and types', () => {
  it('shows bidi controls and invisible characters, and the real extension', () => {
    const spoofed = 'invoice\u202Efdp.exe';
    assert.equal(visibleName(spoofed), 'invoice⟨U+202E⟩fdp.exe');
    assert.equal(visibleName('a\u200Bb\u2066c'), 'a⟨U+200B⟩b⟨U+2066⟩c');
    assert.equal(saveName(spoofed), 'invoicefdp.exe');
    assert.equal(realExtension(spoofed), 'exe');
    assert.equal(realExtension('photo.JPG'), 'jpg');
    assert.equal(realExtension('README'), '');
    assert.equal(saveName('../../etc/passwd'), '.._.._etc_passwd');
    assert.equal(saveName('\u202E'), 'file');
  });

  it('only raster images keep their type; everything else downloads', () => {
    assert.equal(blobType('image/png'), 'image/png');
    for (const mime of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'application/pdf', '']) {
      assert.equal(blobType(mime), 'application/octet-stream', mime);
      assert.equal(isRasterImage(mime), false);
    }
  });
});
