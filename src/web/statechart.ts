/**
 * A case type's statechart as SVG, laid out from the machine itself: @xstate/graph's directed graph
 * gives the states and transitions, @dagrejs/dagre places them. The layout is computed once per
 * machine version; highlighting the current state and its time left is a cheap pass over it.
 */
import dagre, { type GraphLabel } from '@dagrejs/dagre';
import { toDirectedGraph, type DirectedGraphNode } from '@xstate/graph';
import type { CaseDefinition } from '../../machines/types';

interface PlacedNode {
  /** The state path inside the machine, e.g. `screening.acceptance`. */
  path: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Events that stay in the state (e.g. a progress report), listed under its name. */
  loops: string[];
}

interface PlacedEdge {
  label: string;
  points: { x: number; y: number }[];
}

interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const cache = new Map<string, Layout>();
/** What dagre places: a box (and, for an edge, its bend points). */
interface Box {
  width: number;
  height: number;
  x: number;
  y: number;
}
const NODE_W = 230;
const LINE = 16;

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const leaves = (node: DirectedGraphNode): DirectedGraphNode[] => (node.children.length === 0 ? [node] : node.children.flatMap(leaves));

/** The graph laid out once per case type and machine version. */
function layoutOf(definition: CaseDefinition): Layout {
  const key = `${definition.type}@${definition.machineVersion}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const root = toDirectedGraph(definition.machine);
  const rootPrefix = `${root.id}.`;
  const pathOf = (id: string): string => (id.startsWith(rootPrefix) ? id.slice(rootPrefix.length) : id);
  // a compound state stands for its first leaf: transitions on it apply in every child
  const representative = new Map<string, string>();
  const visit = (node: DirectedGraphNode): void => {
    representative.set(node.id, leaves(node)[0]!.id);
    node.children.forEach(visit);
  };
  visit(root);
  const all: DirectedGraphNode[] = [];
  const collect = (node: DirectedGraphNode): void => {
    all.push(node);
    node.children.forEach(collect);
  };
  collect(root);
  const loops = new Map<string, string[]>();
  const edges: { from: string; to: string; label: string }[] = [];
  for (const node of all) {
    for (const edge of node.edges) {
      const from = representative.get(edge.source.id)!;
      const to = representative.get(edge.target.id)!;
      if (from === to) loops.set(from, [...new Set([...(loops.get(from) ?? []), edge.label.text])]);
      else edges.push({ from, to, label: edge.label.text });
    }
  }
  const g = new dagre.graphlib.Graph<GraphLabel, Box, Box & { label?: string; points?: { x: number; y: number }[] }>({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 50, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({ width: 0, height: 0, x: 0, y: 0 }));
  const leafNodes = leaves(root);
  for (const leaf of leafNodes) g.setNode(leaf.id, { width: NODE_W, height: 2 * LINE + 8 + (loops.get(leaf.id)?.length ?? 0) * LINE, x: 0, y: 0 });
  edges.forEach((e, i) => g.setEdge(e.from, e.to, { label: e.label, width: e.label.length * 7, height: LINE, x: 0, y: 0 }, `e${i}`));
  dagre.layout(g);
  const graph = g.graph();
  const layout: Layout = {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: leafNodes.map((leaf) => {
      const n = g.node(leaf.id);
      return { path: pathOf(leaf.id), label: pathOf(leaf.id), x: n.x, y: n.y, width: n.width, height: n.height, loops: loops.get(leaf.id) ?? [] };
    }),
    edges: edges.map((e, i) => ({ label: e.label, points: g.edge(e.from, e.to, `e${i}`).points ?? [] })),
  };
  cache.set(key, layout);
  return layout;
}

/** The statechart of `definition` as an SVG element; `current` (a state path) is highlighted, with `note` (e.g. time left) under it. */
export function statechartSvg(definition: CaseDefinition, current: string, note: string | null): string {
  const { width, height, nodes, edges } = layoutOf(definition);
  const isCurrent = (path: string): boolean => path === current || current.startsWith(`${path}.`);
  const parts: string[] = [
    `<svg class="statechart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="statechart-title">`,
    `<title id="statechart-title">${escape(`${definition.title}: states and transitions; current state ${current}`)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>',
  ];
  for (const edge of edges) {
    const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    const mid = edge.points[Math.floor(edge.points.length / 2)];
    parts.push(`<path d="${d}" fill="none" stroke="#444" marker-end="url(#arrow)"/>`);
    if (mid) parts.push(`<text x="${mid.x.toFixed(1)}" y="${(mid.y - 3).toFixed(1)}" font-size="11" text-anchor="middle" fill="#333">${escape(edge.label)}</text>`);
  }
  for (const node of nodes) {
    const here = isCurrent(node.path);
    const left = node.x - node.width / 2;
    const top = node.y - node.height / 2;
    parts.push(
      `<g class="state${here ? ' current' : ''}" data-state="${escape(node.path)}"${here ? ' aria-current="step"' : ''}>`,
      `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${node.width}" height="${node.height}" rx="8" fill="${here ? '#fde68a' : '#f4f6f8'}" stroke="${here ? '#b45309' : '#555'}" stroke-width="${here ? 3 : 1}"/>`,
      `<text x="${node.x.toFixed(1)}" y="${(top + LINE + 2).toFixed(1)}" font-size="13" text-anchor="middle" font-weight="${here ? 700 : 400}" fill="#111">${escape(node.label)}</text>`,
    );
    const second = here && note ? note : '';
    if (second) parts.push(`<text class="time-left" x="${node.x.toFixed(1)}" y="${(top + 2 * LINE + 2).toFixed(1)}" font-size="11" text-anchor="middle" fill="#7c2d12">${escape(second)}</text>`);
    node.loops.forEach((loop, i) => parts.push(`<text x="${node.x.toFixed(1)}" y="${(top + (3 + i) * LINE).toFixed(1)}" font-size="10" text-anchor="middle" fill="#555">↻ ${escape(loop)}</text>`));
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}
