import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './peers';

/**
 * A fresh self-signed certificate for `localhost` and `127.0.0.1` (openssl, RSA 2048, valid one
 * day), as PEM: for TLS listeners in tests, and as the `ca` a client trusts.
 */
export async function selfSignedCertificate(): Promise<{ cert: Buffer; key: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'rtmp-test-cert-'));
  try {
    await runProcess('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
