import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The top of a V8 CPU profile (--cpu-prof): self time by function and by package. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  topFunctions: { frame: string; selfPercent: number }[];
  topPackages: { package: string; selfPercent: number }[];
}

function packageOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node core';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  const own = /\/(src|bench|stubs)\/(.+?)(?:\.ts)?$/.exec(url);
  return own ? `${own[1]}/${own[2]?.split('/')[0]}` : url;
}

export async function summarizeProfile(file: string, top = 20): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
  };
  const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${packageOf(url)} ${path.basename(url)}:${lineNumber + 1}` : '';
    const frame = `${functionName || '(anonymous)'} ${where}`.trim();
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + hits);
    byPackage.set(packageOf(url), (byPackage.get(packageOf(url)) ?? 0) + hits);
  }
  const ranked = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top) as [string, number][];
  const percent = (hits: number) => Math.round((hits / totalHits) * 1000) / 10;
  return {
    file: path.relative(process.cwd(), file),
    totalMs: Math.round((profile.endTime - profile.startTime) / 1000),
    topFunctions: ranked(byFrame).map(([frame, hits]) => ({ frame, selfPercent: percent(hits) })),
    topPackages: ranked(byPackage).map(([name, hits]) => ({ package: name, selfPercent: percent(hits) })),
  };
}
