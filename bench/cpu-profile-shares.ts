// Where a thread's time went, from a V8 .cpuprofile (node --cpu-prof): each sample of a time window is put
// in the first category that one of its frames matches, from the innermost frame out. Samples are taken on
// wall-clock ticks, so a thread the kernel has set aside is counted where it stopped (e.g. in postMessage,
// whose wake-up of another thread hands that thread the core).
import fs from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A category's name and the pattern matched against "url functionName" (a package frame: "pkg:<path> name"). */
export type Category = [name: string, pattern: RegExp];

/** Each category's share of the busy samples (idle left out) in the profile's last `seconds`, largest first. */
export async function cpuProfileShares(file: string, seconds: number, categories: Category[], rest = 'other'): Promise<[string, number][]> {
  const profile = JSON.parse(await fs.readFile(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = new Map<number, string>();
  const categorise = (leaf: number): string => {
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const { url, functionName } = nodes.get(id)!.callFrame;
      const frame = `${url.includes('/node_modules/') ? `pkg:${url.split('/node_modules/').at(-1)}` : url} ${functionName}`;
      const found = categories.find(([, pattern]) => pattern.test(frame));
      if (found) return found[0];
    }
    return rest;
  };
  let at = 0;
  const times = profile.timeDeltas.map((delta) => (at += delta));
  const from = at - seconds * 1e6;
  const counts = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    if (times[i]! < from || nodes.get(id)!.callFrame.functionName === '(idle)') return;
    if (!categoryOf.has(id)) categoryOf.set(id, categorise(id));
    counts.set(categoryOf.get(id)!, (counts.get(categoryOf.get(id)!) ?? 0) + 1);
    busy += 1;
  });
  return [...counts].map(([name, count]): [string, number] => [name, count / busy]).sort((a, b) => b[1] - a[1]);
}
