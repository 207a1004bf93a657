// A throwaway certificate for the DMCC emulator's TLS server, made at test time with the `openssl` command
// (Node has no certificate generator, and no private key is committed). One per name set per process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
}

const made = new Map<string, TestCertificate>();

/**
 * A self-signed P-256 certificate valid two days for `names` (DNS names or IPv4 addresses). Throws, saying
 * what to install, when `openssl` is missing.
 */
export function testCertificate(names: string[] = ['localhost', '127.0.0.1']): TestCertificate {
  const key = names.join(',');
  const cached = made.get(key);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'dmcc-cert-'));
  const san = names
    .map((name) => (/^\d+\.\d+\.\d+\.\d+$/.test(name) ? `IP:${name}` : `DNS:${name}`))
    .join(',');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${names[0]}`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'pipe' },
    );
    const certificate = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
    made.set(key, certificate);
    return certificate;
  } catch (error) {
    throw new Error(
      `the DMCC emulator makes its TLS certificate with openssl (apt-get install openssl): ${(error as Error).message}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
