import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Test PKI for the FHIR peers, made with the openssl CLI (Node cannot issue certificates).
 *
 * Each platform (county, provincial) has its own CA, as real platforms do: the CA signs the platform's
 * server certificate and the station's client certificate, and the server trusts only that CA for clients.
 * EC P-256 keys keep generation fast (a whole platform in well under a second).
 */

const OPENSSL = process.env.OPENSSL_BIN ?? 'openssl';

export interface PemPair {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

export interface ClientBundle extends PemPair {
  pfx: Buffer;
  pfxPath: string;
  passphrase: string;
}

export interface PlatformPki {
  dir: string;
  name: string;
  ca: PemPair;
  server: PemPair;
  client: ClientBundle;
}

export interface RefusalFixtures {
  /** A server certificate for the right host, issued by a CA the station does not trust. */
  serverFromOtherCa: PemPair;
  /** A server certificate from the right CA whose validity ended in 2021. */
  expiredServer: PemPair;
  /** A server certificate from the right CA that names only another host. */
  wrongHostServer: PemPair;
  /** A station certificate issued by a CA the server does not trust. */
  clientFromOtherCa: ClientBundle;
  /** The platform's client PKCS#12 file, to be opened with a wrong passphrase. */
  wrongPassphrase: string;
}

export interface PlatformPkiOptions {
  name: string;
  dir?: string;
  /** Names the server certificate carries; IP addresses and DNS names may be mixed. */
  serverHosts?: string[];
  passphrase?: string;
}

const DEFAULT_HOSTS = ['127.0.0.1', 'localhost'];

export function generatePlatformPki(options: PlatformPkiOptions): PlatformPki {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), `fhir-peer-${options.name}-`));
  mkdirSync(dir, { recursive: true });
  const hosts = options.serverHosts ?? DEFAULT_HOSTS;
  const passphrase = options.passphrase ?? randomBytes(9).toString('base64url');
  const ca = makeCa(dir, `${options.name}-ca`, `${options.name} platform test CA`);
  const server = issueLeaf(dir, ca, `${options.name}-server`, { commonName: hosts[0], hosts, usage: 'server' });
  const clientPair = issueLeaf(dir, ca, `${options.name}-station`, {
    commonName: 'township-station-001',
    hosts: [],
    usage: 'client',
  });
  const client = exportPkcs12(dir, clientPair, `${options.name}-station`, passphrase);
  return { dir, name: options.name, ca, server, client };
}

export function generateRefusalFixtures(pki: PlatformPki): RefusalFixtures {
  const hosts = DEFAULT_HOSTS;
  const otherCa = makeCa(pki.dir, 'other-ca', 'Unrelated test CA');
  const serverFromOtherCa = issueLeaf(pki.dir, otherCa, 'other-ca-server', {
    commonName: hosts[0],
    hosts,
    usage: 'server',
  });
  const expiredServer = issueLeaf(pki.dir, pki.ca, 'expired-server', {
    commonName: hosts[0],
    hosts,
    usage: 'server',
    validity: { start: '20200101000000Z', end: '20210101000000Z' },
  });
  const wrongHostServer = issueLeaf(pki.dir, pki.ca, 'wrong-host-server', {
    commonName: 'fhir.other-county.example',
    hosts: ['fhir.other-county.example'],
    usage: 'server',
  });
  const otherClientPair = issueLeaf(pki.dir, otherCa, 'other-ca-station', {
    commonName: 'township-station-001',
    hosts: [],
    usage: 'client',
  });
  const clientFromOtherCa = exportPkcs12(pki.dir, otherClientPair, 'other-ca-station', pki.client.passphrase);
  return {
    serverFromOtherCa,
    expiredServer,
    wrongHostServer,
    clientFromOtherCa,
    wrongPassphrase: `${pki.client.passphrase}-wrong`,
  };
}

function openssl(args: string[], cwd: string, env: Record<string, string> = {}): void {
  execFileSync(OPENSSL, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function newKey(dir: string, base: string): string {
  const keyPath = path.join(dir, `${base}.key`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath], dir);
  return keyPath;
}

function makeCa(dir: string, base: string, commonName: string): PemPair {
  const keyPath = newKey(dir, base);
  const certPath = path.join(dir, `${base}.crt`);
  const configPath = path.join(dir, `${base}.req.cnf`);
  // Our own config so openssl's distribution defaults cannot add or duplicate extensions.
  writeFileSync(
    configPath,
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = v3_ca',
      'prompt = no',
      '[dn]',
      `CN = ${commonName}`,
      'O = Township workstation tests',
      '[v3_ca]',
      'basicConstraints = critical, CA:TRUE, pathlen:0',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  openssl(['req', '-x509', '-new', '-key', keyPath, '-sha256', '-days', '3650', '-config', configPath, '-out', certPath], dir);
  return readPair(certPath, keyPath);
}

interface LeafSpec {
  commonName: string;
  hosts: string[];
  usage: 'server' | 'client';
  /** openssl ca date format (YYYYMMDDHHMMSSZ); absent means from now for 825 days (CA/B limit). */
  validity?: { start: string; end: string };
}

function subjectAltNames(hosts: string[]): string {
  const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');
  return hosts.map((host) => (isIp(host) ? `IP:${host}` : `DNS:${host}`)).join(', ');
}

/**
 * Issues with `openssl ca` rather than `x509 -req`: OpenSSL 3.0's x509 command cannot set an explicit
 * start and end date, and the expired fixture needs both in the past.
 */
function issueLeaf(dir: string, ca: PemPair, base: string, spec: LeafSpec): PemPair {
  const keyPath = newKey(dir, base);
  const csrPath = path.join(dir, `${base}.csr`);
  const certPath = path.join(dir, `${base}.crt`);
  const dbDir = path.join(dir, `${base}.db`);
  mkdirSync(dbDir, { recursive: true });
  writeFileSync(path.join(dbDir, 'index.txt'), '');
  writeFileSync(path.join(dbDir, 'serial'), `${randomBytes(8).toString('hex').replace(/^0/, '1')}\n`);
  const extensions = [
    'basicConstraints = critical, CA:FALSE',
    `keyUsage = critical, digitalSignature${spec.usage === 'server' ? ', keyEncipherment' : ''}`,
    `extendedKeyUsage = ${spec.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
  ];
  if (spec.hosts.length > 0) extensions.push(`subjectAltName = ${subjectAltNames(spec.hosts)}`);
  const configPath = path.join(dir, `${base}.ca.cnf`);
  writeFileSync(
    configPath,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      `CN = ${spec.commonName}`,
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `dir = ${dbDir}`,
      'database = $dir/index.txt',
      'serial = $dir/serial',
      'new_certs_dir = $dir',
      'default_md = sha256',
      'policy = any_policy',
      'unique_subject = no',
      'copy_extensions = none',
      'email_in_dn = no',
      '[any_policy]',
      'commonName = supplied',
      '[leaf_ext]',
      ...extensions,
      '',
    ].join('\n'),
  );
  openssl(['req', '-new', '-key', keyPath, '-config', configPath, '-out', csrPath], dir);
  const dates = spec.validity ? ['-startdate', spec.validity.start, '-enddate', spec.validity.end] : ['-days', '825'];
  openssl(
    [
      'ca',
      '-batch',
      '-notext',
      '-config',
      configPath,
      '-extensions',
      'leaf_ext',
      '-cert',
      ca.certPath,
      '-keyfile',
      ca.keyPath,
      ...dates,
      '-in',
      csrPath,
      '-out',
      certPath,
    ],
    dir,
  );
  return readPair(certPath, keyPath);
}

function exportPkcs12(dir: string, pair: PemPair, base: string, passphrase: string): ClientBundle {
  const pfxPath = path.join(dir, `${base}.p12`);
  // The passphrase goes through the environment so it never shows in a process listing.
  openssl(['pkcs12', '-export', '-inkey', pair.keyPath, '-in', pair.certPath, '-name', base, '-passout', 'env:TEST_P12_PASSPHRASE', '-out', pfxPath], dir, {
    TEST_P12_PASSPHRASE: passphrase,
  });
  return { ...pair, pfx: readFileSync(pfxPath), pfxPath, passphrase };
}

function readPair(certPath: string, keyPath: string): PemPair {
  return {
    certPath,
    keyPath,
    certPem: readFileSync(certPath, 'utf8'),
    keyPem: readFileSync(keyPath, 'utf8'),
  };
}
