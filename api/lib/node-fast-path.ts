// A fast path answers the commonest request of a route straight from Node's request, without Hono's
// routing, web Request and Headers; whatever it does not take whole it hands to the app, which answers as ever.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppOpenAPI } from './types';

/** false: not taken (the app gets the request untouched). true: taken; it answers, or calls handOver()
 *  once it has read the body (the app then finds the body read, see readBodyOnce). */
export type NodeFastPath = (incoming: IncomingMessage, outgoing: ServerResponse, handOver: () => void) => boolean;

const fastPaths = new WeakMap<AppOpenAPI, NodeFastPath>();

export function setNodeFastPath(app: AppOpenAPI, fastPath: NodeFastPath): void {
  fastPaths.set(app, fastPath);
}

export const nodeFastPathOf = (app: AppOpenAPI): NodeFastPath | undefined => fastPaths.get(app);
