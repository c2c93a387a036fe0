'use strict';
/**
 * dynalite on the port the kernel gives it: its own CLI turns `--port 0` into 4567, so a
 * caller would have to pick a number first and hope nobody takes it before dynalite binds
 * it. This binds port 0 itself and prints the port it got, as the CLI's line does:
 *
 *   node dynalite-server.cjs --host 127.0.0.1 [--path DIR] [--createTableMs 0] [--deleteTableMs 0]
 *   → Dynalite listening at: http://127.0.0.1:41234
 */
const { parseArgs } = require('node:util');
const dynalite = require('dynalite');

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    path: { type: 'string' },
    createTableMs: { type: 'string', default: '0' },
    deleteTableMs: { type: 'string', default: '0' },
  },
  strict: true,
});

const server = dynalite({
  ...(values.path === undefined ? {} : { path: values.path }),
  createTableMs: Number(values.createTableMs),
  deleteTableMs: Number(values.deleteTableMs),
});
server.listen(Number(values.port), values.host, () => {
  const { port } = server.address();
  process.stdout.write(`Dynalite listening at: http://${values.host}:${port}\n`);
});
