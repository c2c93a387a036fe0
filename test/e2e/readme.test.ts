import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startStack } from '../../scripts/lib/local-stack.js';
import { SERVICE_ROOT } from '../../scripts/lib/template.js';

/**
 * The README as a new user follows it, against a real `npm run start:sandbox` stack:
 * the copy-pasteable credential sequences run as written, and every example output
 * (`# {…}` after a command, or a ```json block right after a one-command ```sh block)
 * is compared with what that command answers now. In examples, `…` stands for left-out
 * text: inside a string it matches anything, `{…}` matches any object.
 */
const README = readFileSync(path.join(SERVICE_ROOT, 'README.md'), 'utf8');

interface Block {
  lang: string;
  body: string;
  start: number;
  end: number;
}

function readmeBlocks(): Block[] {
  const blocks: Block[] = [];
  for (const match of README.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)) {
    const indent = match[1] ?? '';
    const body = (match[3] ?? '')
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    blocks.push({ lang: match[2] ?? '', body, start: match.index, end: match.index + match[0].length });
  }
  return blocks;
}

interface Example {
  command: string;
  output: string;
}

/** Commands of a sh block, continuation lines joined; comments and blank lines skipped. */
function shCommands(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

function readmeExamples(): Example[] {
  const examples: Example[] = [];
  const blocks = readmeBlocks();
  blocks.forEach((block, index) => {
    if (block.lang === 'sh') {
      let command: string | undefined;
      for (const line of block.body.replace(/\\\n\s*/g, ' ').split('\n')) {
        if (/^# [{[]/.test(line) && command !== undefined) examples.push({ command, output: line.slice(2) });
        else if (line.trim() !== '' && !line.startsWith('#')) command = line;
      }
    }
    const previous = blocks[index - 1];
    if (
      block.lang === 'json' &&
      previous?.lang === 'sh' &&
      README.slice(previous.end, block.start).trim() === '' &&
      shCommands(previous.body).length === 1
    ) {
      examples.push({ command: shCommands(previous.body)[0] ?? '', output: block.body });
    }
  });
  return examples;
}

function parseExample(text: string): unknown {
  return JSON.parse(text.replaceAll('{…}', '{"…":"…"}'));
}

/** Where `actual` departs from `example`, as JSON paths; empty when it matches. */
function departures(example: unknown, actual: unknown, at = '$'): string[] {
  if (typeof example === 'string' && example.includes('…')) {
    const pattern = new RegExp(
      `^${example
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[\\s\\S]*')}$`,
    );
    return typeof actual === 'string' && pattern.test(actual)
      ? []
      : [`${at}: ${JSON.stringify(actual)} does not match ${JSON.stringify(example)}`];
  }
  if (typeof example === 'object' && example !== null && !Array.isArray(example)) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return [`${at}: ${JSON.stringify(actual)} is not an object`];
    const wanted = Object.keys(example);
    if (wanted.length === 1 && wanted[0] === '…') return [];
    const got = Object.keys(actual);
    const problems = [
      ...wanted.filter((key) => !got.includes(key)).map((key) => `${at}.${key}: missing from the answer`),
      ...got.filter((key) => !wanted.includes(key)).map((key) => `${at}.${key}: not in the README`),
    ];
    for (const key of wanted.filter((name) => got.includes(name))) {
      problems.push(
        ...departures(
          (example as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          `${at}.${key}`,
        ),
      );
    }
    return problems;
  }
  return Object.is(example, actual)
    ? []
    : [`${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(example)}`];
}

let stack: RunningStack;

async function sh(script: string, env: Record<string, string> = {}): Promise<string> {
  const local = script.replaceAll('localhost:3000', `127.0.0.1:${stack.port}`);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', local], {
    cwd: SERVICE_ROOT,
    // DATA_DIR: the client:* scripts find this stack through its stack.json.
    env: { ...process.env, DATA_DIR: stack.dataDir, ...env },
    timeout: 60_000,
  });
  return stdout;
}

interface Credentials {
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  API_KEY: string;
  TOKEN: string;
}

/** Runs a credentials block, then prints the variables it set after a marker. */
async function runSequence(body: string): Promise<{ last: string; credentials: Credentials }> {
  const out = await sh(
    `${body}\nprintf '\\n--variables--\\n%s\\n%s\\n%s\\n%s\\n' "$CLIENT_ID" "$CLIENT_SECRET" "$API_KEY" "$TOKEN"`,
  );
  const [last = '', variables = ''] = out.split('\n--variables--\n');
  const [CLIENT_ID = '', CLIENT_SECRET = '', API_KEY = '', TOKEN = ''] = variables.trim().split('\n');
  return { last, credentials: { CLIENT_ID, CLIENT_SECRET, API_KEY, TOKEN } };
}

const sequence = (marker: string) => {
  const block = readmeBlocks().find(
    (candidate) => candidate.lang === 'sh' && candidate.body.includes(marker),
  );
  if (block === undefined) throw new Error(`README has no sh block with ${marker}`);
  return block.body;
};

function expectWorkingCredentials({ last, credentials }: Awaited<ReturnType<typeof runSequence>>) {
  expect(credentials.CLIENT_ID).toMatch(/^cl_[0-9a-f]+$/);
  expect(credentials.CLIENT_SECRET).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{42}$/);
  expect(credentials.API_KEY).toMatch(/^[0-9a-f]{48}$/);
  expect(credentials.TOKEN).toMatch(/^eyJ/);
  // The block's last command, the rates, answered with the sandbox's data.
  expect(Object.keys(JSON.parse(last).rates)).toEqual([
    'dof',
    'dof_para_pagos',
    'banxico',
    'banxico_para_pagos',
    'fixer',
  ]);
}

const hasJq = (() => {
  try {
    execFileSync('jq', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the README, followed on a sandbox stack', () => {
  let credentials: Credentials;

  beforeAll(async () => {
    stack = await startStack({ sandbox: true });
    const run = await runSequence(sequence("node -p 'JSON.parse(process.argv[1]).client_id'"));
    expectWorkingCredentials(run);
    credentials = run.credentials;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('gets CLIENT_ID, CLIENT_SECRET, API_KEY and TOKEN without jq, as written', () => {
    // Run and checked in beforeAll: every example below uses these values.
    expect(Object.values(credentials).every((value) => value !== '')).toBe(true);
  });

  it.runIf(hasJq)(
    'gets them with jq, as written',
    async () => {
      expectWorkingCredentials(await runSequence(sequence('jq -r .client_id')));
    },
    60_000,
  );

  it('shows every example output as the command answers it (… marks what is left out)', async () => {
    const examples = readmeExamples();
    // health, client:create, token, whoami, two local 401s and the rates.
    expect(examples.length).toBeGreaterThanOrEqual(7);

    const problems: string[] = [];
    for (const { command, output } of examples) {
      const answer = await sh(command, { ...credentials });
      let actual: unknown;
      try {
        actual = JSON.parse(answer);
      } catch {
        problems.push(`${command}\n  answered no JSON: ${answer.slice(0, 200)}`);
        continue;
      }
      for (const problem of departures(parseExample(output), actual))
        problems.push(`${command}\n  ${problem}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('the example matcher', () => {
  it('accepts left-out text and objects, and nothing else', () => {
    const example = parseExample('{"a":"x…z","b":{…},"c":1}');

    expect(departures(example, { a: 'xyz', b: { any: 1 }, c: 1 })).toEqual([]);
    expect(departures(example, { a: 'xy', b: { any: 1 }, c: 1 })).toHaveLength(1);
    expect(departures(example, { a: 'xz', b: 'no', c: 2, d: 0 })).toHaveLength(3);
    expect(departures(example, { a: 'xz', b: {} })).toEqual(['$.c: missing from the answer']);
  });
});
