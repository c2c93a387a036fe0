/**
 * `npm run contract:live [-- --strict]`: checks the upstream contracts
 * (lib/providers/contracts/) against the real upstreams, one line per upstream.
 *
 * URLs come from the same variables as the service (DOF_URL, FIXER_BASE_URL,
 * BANXICO_BASE_URL, UPSTREAM_TIMEOUT_MS; lib/config.ts), credentials from
 * FIXER_ACCESS_KEY and BANXICO_TOKEN. Without a credential the upstream answers its
 * documented error, whose shape is checked instead. One call per upstream.
 *
 * Exit code: 1 when an answer breaks its contract. An upstream that cannot be reached
 * (no network, as on the development machines) or that only answered an error is
 * reported and exits 0, unless --strict, which requires every success shape verified.
 */
import { loadConfig } from '../lib/config.js';
import { createHttpClient, redactUrl } from '../lib/outbound/http-client.js';
import { SERIES_ID } from '../lib/providers/banxico.js';
import { parseCommandLine } from './lib/cli.js';
import { checkUpstreamAnswer, type UpstreamName } from './lib/upstream-contracts.js';

const USAGE = `Usage:
  npm run contract:live [-- --strict]

Checks the real upstreams (DOF page, Fixer, Banxico SIE) against the contracts the
captures are tested with: one call each, one line each. URLs from DOF_URL,
FIXER_BASE_URL, BANXICO_BASE_URL; credentials from FIXER_ACCESS_KEY and BANXICO_TOKEN.

Options:
  --strict       exit 1 unless every success shape was verified (default: an upstream
                 that cannot be reached or only answered an error is reported, exit 0)
  -h, --help     this text

Exit 1 when an answer breaks its contract, 2 on a wrong command line.`;

type Outcome = 'holds' | 'error-shape' | 'unreachable' | 'broken';

interface Line {
  name: UpstreamName;
  outcome: Outcome;
  text: string;
}

const SYMBOLS: Record<Outcome, string> = { holds: '✓', 'error-shape': '~', unreachable: '?', broken: '✗' };

async function main(): Promise<number> {
  const { values } = parseCommandLine('contract:live', USAGE, {
    options: { strict: { type: 'boolean', default: false } },
  });
  const config = loadConfig(process.env).upstream;
  const http = createHttpClient({ timeoutMs: config.timeoutMs });
  const fixerKey = process.env.FIXER_ACCESS_KEY ?? '';
  const banxicoToken = process.env.BANXICO_TOKEN ?? '';

  const requests: Array<{ name: UpstreamName; url: string; headers: Record<string, string> }> = [
    { name: 'dof', url: config.dofUrl, headers: {} },
    {
      name: 'fixer',
      url: `${config.fixerBaseUrl}/latest?access_key=${encodeURIComponent(fixerKey)}&symbols=USD,MXN`,
      headers: {},
    },
    {
      // The contract is the JSON rendering (what BANXICO_FORMAT=json, the default, asks for).
      name: 'banxico',
      url: `${config.banxicoBaseUrl}/series/${SERIES_ID}/datos/oportuno`,
      headers: { 'Bmx-Token': banxicoToken, Accept: 'application/json' },
    },
  ];

  const lines = await Promise.all(
    requests.map(async ({ name, url, headers }): Promise<Line> => {
      const where = `GET ${redactUrl(url)}`;
      let answer: Awaited<ReturnType<typeof http.get>>;
      try {
        answer = await http.get(url, { headers });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { name, outcome: 'unreachable', text: `could not reach the upstream: ${reason}` };
      }
      const verdict = checkUpstreamAnswer(name, { status: answer.status, body: answer.body });
      if (verdict.violations.length > 0) {
        return {
          name,
          outcome: 'broken',
          text: `contract broken (${verdict.shape} shape, ${verdict.summary}): ${verdict.violations.join('; ')} — ${where}`,
        };
      }
      if (verdict.shape === 'error') {
        const hint = name === 'fixer' ? 'FIXER_ACCESS_KEY' : 'BANXICO_TOKEN';
        return {
          name,
          outcome: 'error-shape',
          text: `answered ${verdict.summary}: the error shape holds; the success shape was not checked (is ${hint} valid?) — ${where}`,
        };
      }
      return { name, outcome: 'holds', text: `contract holds (${verdict.summary}) — ${where}` };
    }),
  );

  for (const line of lines) process.stdout.write(`${SYMBOLS[line.outcome]} ${line.name} — ${line.text}\n`);
  const count = (outcome: Outcome) => lines.filter((line) => line.outcome === outcome).length;
  const unverified = count('unreachable') + count('error-shape');
  process.stdout.write(
    `contract:live: ${count('holds')} verified, ${count('broken')} broken, ${count('unreachable')} unreachable, ${count('error-shape')} error answers only\n`,
  );
  if (count('unreachable') > 0) {
    process.stdout.write(
      'contract:live: could not reach every upstream (no network or wrong URL): nothing was checked for those.\n',
    );
  }
  if (count('broken') > 0) return 1;
  if (values.strict === true && unverified > 0) {
    process.stdout.write(
      'contract:live: --strict: every upstream must be reached and answer its success shape.\n',
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`contract:live: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
