import { createHash } from 'node:crypto';
import { SERVICE_ROOT } from './template.js';

/**
 * Ports for servers that must be told a number before they start: serverless offline's
 * HTTP and Lambda ports. Everything else (dynalite, the replay server, test servers) binds
 * port 0 and reports the port it got. Asking the kernel for a free port by opening and
 * closing a socket is never done: between the close and the child's bind, a parallel
 * worker, or the kernel itself for an outgoing connection, can take it.
 *
 * Instead each vitest worker owns a block of ports below the Linux ephemeral range
 * (32768–60999 by default), where the kernel never hands out ports on its own: the
 * block is chosen by the worker's pool id (unique among the workers running at once) and
 * by a hash of the checkout, so two checkouts testing side by side rarely share blocks.
 * A collision can still happen (another program, another checkout): callers retry a
 * start that meets EADDRINUSE with the next ports of the block.
 */

const FIRST_PORT = 20_000;
const BLOCK_SIZE = 100;
/** Workers one checkout can run at once (pool ids 0, outside vitest, to 7). */
const BLOCKS_PER_CHECKOUT = 8;
const CHECKOUT_SLOTS = 15;
/** 20000 + 15 × 8 × 100 = 32000: the last block ends below 32768. */
const CHECKOUT_SPAN = BLOCKS_PER_CHECKOUT * BLOCK_SIZE;

export interface PortBlock {
  first: number;
  size: number;
}

function checkoutSlot(root: string): number {
  return createHash('sha256').update(root).digest().readUInt16BE(0) % CHECKOUT_SLOTS;
}

/** The block this process owns: by VITEST_POOL_ID inside vitest, block 0 of the checkout outside. */
export function ownedPortBlock(env: NodeJS.ProcessEnv = process.env, root = SERVICE_ROOT): PortBlock {
  const poolId = Number(env.VITEST_POOL_ID ?? 0);
  if (!Number.isInteger(poolId) || poolId < 0 || poolId >= BLOCKS_PER_CHECKOUT) {
    throw new Error(
      `VITEST_POOL_ID ${env.VITEST_POOL_ID} has no port block: at most ${BLOCKS_PER_CHECKOUT - 1} workers`,
    );
  }
  return { first: FIRST_PORT + checkoutSlot(root) * CHECKOUT_SPAN + poolId * BLOCK_SIZE, size: BLOCK_SIZE };
}

let next = 0;

/**
 * The next `count` ports of this process's block, in turn; the last port of the block is
 * never handed out (see `refusedPort`). Sequential use inside one worker never reuses a
 * port before 49 other pairs were handed out.
 */
export function takeOwnedPorts(count: number, block: PortBlock = ownedPortBlock()): number[] {
  const usable = block.size - 1;
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    ports.push(block.first + (next % usable));
    next += 1;
  }
  return ports;
}

/** A port of this process's block that nothing in it ever listens on: connections are refused. */
export function refusedPort(block: PortBlock = ownedPortBlock()): number {
  return block.first + block.size - 1;
}
