/**
 * The fault soak (issue 13): `npm run bench:soak -- [--events N] [--fault-rate R] [--seed S] [--json]`.
 * Deploys the seed routes to a local moto server with `switchyard deploy`, runs the deployed
 * function's own zip as Lambda would behind a fault proxy, drives N events (default 1,000) and
 * checks moto's state. `--json` prints
 * {"events","requests","faultsInjected","retries","lost","duplicates","duplicatesExplained","deadLettered", …};
 * `duplicates` counts only repeats that no lost response explains. Exit 1 when anything is lost
 * or an unexplained duplicate was found.
 */
import { parseArgs } from 'node:util';
import { runSoak, type SoakReport } from './soak/run-soak.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000' },
    'fault-rate': { type: 'string', default: '0.25' },
    seed: { type: 'string', default: '13' },
    containers: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});

const events = Number(values.events);
const faultRate = Number(values['fault-rate']);
if (!Number.isInteger(events) || events < 1 || !(faultRate >= 0 && faultRate < 1)) {
  process.stderr.write('usage: npm run bench:soak -- [--events N ≥ 1] [--fault-rate 0…0.99] [--seed S] [--containers C] [--json]\n');
  process.exit(2);
}

const report = await runSoak({
  events,
  faultRate,
  seed: Number(values.seed),
  containers: Number(values.containers),
  progress: (line) => process.stderr.write(`${line}\n`),
});

if (values.json) {
  const { problems, ...figures } = report;
  process.stdout.write(`${JSON.stringify({ ...figures, problems: problems.slice(0, 50) })}\n`);
} else {
  for (const line of table(report)) process.stdout.write(`${line}\n`);
}
process.exitCode = report.lost === 0 && report.duplicates === 0 ? 0 : 1;

function table(r: SoakReport): string[] {
  const pct = (n: number, d: number): string => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} %`);
  const rows: Array<[string, string]> = [
    ['events', String(r.events)],
    ['delivered twice', `${r.deliveredTwice} (${pct(r.deliveredTwice, r.events)})`],
    ['requests through the proxy', String(r.requests)],
    ['faults injected', `${r.faultsInjected} (${pct(r.faultsInjected, r.requests)})`],
    ['responses lost after moto acted', String(r.lostResponses)],
    ['action retries (EMF Retried)', String(r.retries)],
    ['copies verified (bytes, tags, metadata)', String(r.copies)],
    ['S3 requests per copied object', String(r.requestsPerCopy)],
    ['dead-lettered events', String(r.deadLettered)],
    ['failure records (of which delivered since: stale)', `${r.failureRecords} (${r.staleFailureRecords})`],
    ['lost (missing, nothing recorded)', String(r.lost)],
    ['duplicate sends explained by a lost response', String(r.duplicatesExplained)],
    ['duplicate sends unexplained', String(r.duplicates)],
    ['seconds', String(r.seconds)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['| figure | value |', '|---|---:|', ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v} |`), ...r.problems.slice(0, 20).map((p) => `problem: ${p}`)];
}
