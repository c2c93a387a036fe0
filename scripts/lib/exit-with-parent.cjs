'use strict';
/**
 * Preloaded with `node --require` into the long-lived children of `npm start` (dynalite and
 * serverless offline). When the process that started this one goes away, even by SIGKILL,
 * which no signal handler sees, this one stops too, with its whole process group when it
 * leads one (offline's Lambda workers and esbuild). Without it an orphaned offline keeps
 * its ports and its CPU after its stack is gone.
 */
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const parent = process.ppid;
  const signal = (name) => {
    try {
      process.kill(-process.pid, name); // the group this process leads, itself included
    } catch {
      process.kill(process.pid, name); // leads no group
    }
  };
  let stopping = false;
  setInterval(() => {
    if (stopping || process.ppid === parent) return;
    stopping = true;
    signal('SIGTERM');
    setTimeout(() => signal('SIGKILL'), 3000);
  }, 500).unref();
}
