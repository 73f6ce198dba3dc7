import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { inspectCertificates } from '../../src/core/inspect/certificates';
import { InspectError } from '../../src/core/inspect/errors';
import { courseraKeys } from './plan.helpers';

describe('inspector errors stay on one line', () => {
  it('control characters quoted from an input are escaped in the message', () => {
    assert.equal(new InspectError('unreadable', 'bad "12\n34\u0001"').message, 'bad "12\\n34\\x01"');
  });

  it('a certificate whose validity time holds a newline is refused in one line (found by fuzzing)', () => {
    const der = Buffer.from(new X509Certificate(courseraKeys().certificatePem).raw);
    // notAfter is the second UTCTime (tag 0x17, length 13); turn its last digit before "Z" into a newline.
    let seen = 0;
    let at = -1;
    for (let i = 0; i < der.length - 14; i++) if (der[i] === 0x17 && der[i + 1] === 13 && ++seen === 2) at = i + 2 + 11;
    assert.ok(at > 0, 'found the notAfter time');
    der[at] = 0x0a;
    assert.throws(
      () => inspectCertificates(der),
      (err: unknown) => err instanceof InspectError && !err.message.includes('\n') && /UTCTime\/GeneralizedTime/.test(err.message),
    );
  });
});
