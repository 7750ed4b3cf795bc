import type { DiagnosticReport, Task } from '@medplum/fhirtypes';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { generatePlatformPki, type PlatformPki } from './certs';
import { createCountyDesk } from './county-desk';
import { COUNTY_RESIDENTS, seedCountyHospitals } from './county-hospital';
import { startFhirPeer, type FhirPeer } from './peer';

/**
 * `npm run platforms`: a county and a provincial FHIR platform on this machine (ports 8443 and 8444 unless
 * COUNTY_PORT / PROVINCIAL_PORT say otherwise), each with its own CA and a station certificate, so that
 * 同步 settings can be filled in and sync tried without any real platform.
 *
 * Certificates are kept in <tmp>/township-platforms/<platform>/ and reused on the next start (the settings
 * stay valid); delete the folder, or pass --new-certificates, to issue fresh ones. Data lives in memory.
 */

interface PlatformSpec {
  name: 'county' | 'provincial';
  label: string;
  port: number;
}

const ROOT = path.join(tmpdir(), 'township-platforms');
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function loadOrIssue(spec: PlatformSpec, renew: boolean): PlatformPki {
  const dir = path.join(ROOT, spec.name);
  const saved = path.join(dir, 'pki.json');
  if (!renew && existsSync(saved)) {
    const pki = JSON.parse(readFileSync(saved, 'utf8')) as Omit<PlatformPki, 'client'> & {
      client: Omit<PlatformPki['client'], 'pfx'>;
    };
    const validTo = Date.parse(new X509Certificate(readFileSync(pki.server.certPath)).validTo);
    if (validTo - Date.now() > RENEW_BEFORE_MS) {
      return { ...pki, client: { ...pki.client, pfx: readFileSync(pki.client.pfxPath) } };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pki = generatePlatformPki({ name: spec.name, dir, serverHosts: ['127.0.0.1', 'localhost'] });
  const { pfx: _pfx, ...client } = pki.client;
  writeFileSync(saved, JSON.stringify({ ...pki, client }, null, 2), { mode: 0o600 });
  return pki;
}

function describePlatform(spec: PlatformSpec, pki: PlatformPki, peer: FhirPeer): string {
  return [
    `${spec.label} (${spec.name})`,
    `  FHIR base URL        ${peer.url}`,
    `  CA certificate       ${pki.ca.certPath}`,
    `  Station certificate  ${pki.client.pfxPath}`,
    `  Passphrase           ${pki.client.passphrase}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const renew = process.argv.includes('--new-certificates');
  const specs: PlatformSpec[] = [
    { name: 'county', label: '县级平台 County platform', port: Number(process.env.COUNTY_PORT ?? 8443) },
    { name: 'provincial', label: '省级平台 Provincial platform', port: Number(process.env.PROVINCIAL_PORT ?? 8444) },
  ];
  const peers: FhirPeer[] = [];
  const lines: string[] = [];
  for (const spec of specs) {
    const pki = loadOrIssue(spec, renew);
    const peer = await startFhirPeer({
      name: spec.name,
      ca: pki.ca.certPem,
      serverCert: pki.server.certPem,
      serverKey: pki.server.keyPem,
      port: spec.port,
    });
    peers.push(peer);
    lines.push(describePlatform(spec, pki, peer));
  }
  // The county platform already holds what the county hospitals wrote about a few residents (调阅县域档案).
  await seedCountyHospitals(peers[0].repo);
  const residents = COUNTY_RESIDENTS.map((resident) => `  ${resident.name}  ${resident.residentId}`);
  process.stdout.write(
    [
      'Test FHIR platforms are running (mutual TLS; in-memory data, gone when this stops).',
      '',
      ...lines.flatMap((line) => [line, '']),
      'County hospital records (县人民医院, 县中医院) are on the county platform for these residents; register one',
      'at the station by resident ID and press 调阅县域档案 in the chart:',
      ...residents,
      '',
      'In 同步 settings, enter the base URL, import the CA certificate and the station certificate with its',
      'passphrase. Play the county here:',
      '  consults                       open consults, 危急 (stat) first',
      "  open <task id>                 write the consult's aECG and ECG report PDF to files and print their paths",
      '  sign <task id> <conclusion>    accept if needed, sign a DiagnosticReport, complete the Task',
      '  critical <task id> <text>      the same, with <text> as a 危急值 (critical value) the station must acknowledge',
      '  tasks                          list consult Tasks on the county platform',
      '  task <id> <status>             accepted | in-progress | completed | rejected',
      "  report <task id> <conclusion>  sign a DiagnosticReport for the Task's ServiceRequest",
      '  referrals                      referrals (双向转诊) the stations sent up, not yet answered',
      '  accept <task id> <department>  县人民医院 accepts the referral into <department>',
      '  refuse <task id> <why>         县人民医院 does not accept it, saying why',
      '  return <task id> <yyyy-mm-dd> <note>  completed: the patient went back to the township (回转) that day',
      'Ctrl+C stops both.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await Promise.all(peers.map((peer) => peer.stop()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await playCounty(peers[0]);
}

/** A few commands so a person can answer a consult as the county would. */
async function playCounty(county: FhirPeer): Promise<void> {
  const say = (text: string) => process.stdout.write(`${text}\n`);
  const desk = createCountyDesk(county);
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, id, ...rest] = line.trim().split(/\s+/);
    try {
      if (command === 'consults') {
        const open = await desk.openConsults();
        if (open.length === 0) say('No open consults.');
        for (const consult of open) say(`${consult.taskId}  ${consult.priority}  ${consult.status}  ${consult.patient}  ${consult.question}`);
      } else if (command === 'open' && id) {
        const opened = await desk.open(id, path.join(ROOT, 'consults', id));
        say(`Question: ${opened.question}`);
        for (const ecg of opened.ecgs) {
          say(`  waveform (HL7 aECG)  ${ecg.aecgPath ?? '-'}  ${ecg.leads.length} leads, ${ecg.sampleRateHz ?? '?'} Hz, ${ecg.durationS ?? '?'} s`);
          say(`  report (PDF)         ${ecg.pdfPath ?? '- (not attached)'}`);
        }
      } else if ((command === 'sign' || command === 'critical') && id && rest.length > 0) {
        const text = rest.join(' ');
        const report = await desk.sign(id, text, '县人民医院心内科 演示医生', command === 'critical' ? text : undefined);
        say(`DiagnosticReport/${report.id} signed${command === 'critical' ? ' with a critical value' : ''}; Task/${id} completed`);
      } else if (command === 'tasks') {
        for (const task of await county.repo.all<Task>('Task')) {
          say(`${task.id}  ${task.status}  focus=${task.focus?.reference ?? '-'}  for=${task.for?.reference ?? '-'}`);
        }
      } else if (command === 'task' && id && rest[0]) {
        const task = await county.county.setTaskStatus(id, rest[0] as Task['status']);
        say(`Task/${task.id} is ${task.status} (version ${task.meta?.versionId ?? '?'})`);
      } else if (command === 'report' && id && rest.length > 0) {
        const task = await county.county.readTask(id);
        const serviceRequest = task.focus?.reference ?? task.basedOn?.[0]?.reference;
        if (!serviceRequest) throw new Error('The Task names no ServiceRequest (focus or basedOn)');
        const report = await county.county.createDiagnosticReport({
          serviceRequest: { reference: serviceRequest },
          subject: (task.for ?? { display: 'unknown' }) as DiagnosticReport['subject'],
          conclusion: rest.join(' '),
          signer: '县级平台 演示医生',
        });
        say(`DiagnosticReport/${report.id} signed for ${serviceRequest}`);
      } else if (command === 'referrals') {
        const open = await desk.referrals();
        if (open.length === 0) say('No referrals waiting.');
        for (const referral of open) say(`${referral.taskId}  ${referral.priority}  ${referral.status}  ${referral.patient}  ${referral.reason}`);
      } else if ((command === 'accept' || command === 'refuse' || command === 'return') && id && rest.length > 0) {
        const institution = '县人民医院';
        const task =
          command === 'accept'
            ? await desk.answerReferral(id, { status: 'accepted', institution, department: rest.join(' ') })
            : command === 'refuse'
              ? await desk.answerReferral(id, { status: 'rejected', institution, note: rest.join(' ') })
              : await desk.answerReferral(id, { status: 'completed', institution, returnedOn: rest[0], note: rest.slice(1).join(' ') || undefined });
        say(`Task/${task.id} is ${task.status} (version ${task.meta?.versionId ?? '?'})`);
      } else if (command) {
        say(
          'Commands: consults | open <task id> | sign <task id> <conclusion> | critical <task id> <text> | tasks | task <id> <status> | report <task id> <conclusion> | referrals | accept <task id> <department> | refuse <task id> <why> | return <task id> <date> <note>',
        );
      }
    } catch (error) {
      say(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  process.stderr.write(
    code === 'EADDRINUSE'
      ? 'A platform port is taken (8443/8444): set COUNTY_PORT / PROVINCIAL_PORT, or stop what uses it.\n'
      : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
