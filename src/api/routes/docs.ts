/**
 * The OpenAPI document and a small self-contained page that renders it (no CDN: it works offline).
 */
import type { Api } from '../context';
import { buildOpenApiDocument } from '../openapi';
import type { RouteRegistry } from '../routing';

/** The docs page: fetches /openapi.json and lists every operation with its parameters and schemas. */
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>caseflow API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem}
details{margin:.4rem 0;border:1px solid #ddd;border-radius:4px;padding:.3rem .6rem}
summary{cursor:pointer}
code.m{display:inline-block;min-width:4.5rem;font-weight:bold}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}
</style></head>
<body><h1>caseflow API</h1><p id="intro">Loading <a href="/openapi.json">/openapi.json</a>…</p><div id="ops"></div>
<script>
fetch('/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
  var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) { return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); };
  document.getElementById('intro').textContent = doc.info.description;
  var byTag = {};
  Object.keys(doc.paths).forEach(function (path) {
    Object.keys(doc.paths[path]).forEach(function (method) {
      var op = doc.paths[path][method];
      (byTag[op.tags[0]] = byTag[op.tags[0]] || []).push({ path: path, method: method, op: op });
    });
  });
  var html = '';
  doc.tags.forEach(function (tag) {
    html += '<h2>' + esc(tag.name) + '</h2><p>' + esc(tag.description) + '</p>';
    (byTag[tag.name] || []).forEach(function (e) {
      html += '<details><summary><code class="m">' + e.method.toUpperCase() + '</code> <code>' + esc(e.path) + '</code> — ' + esc(e.op.summary) + '</summary>';
      html += '<p>' + esc(e.op.description || '').replace(/\\n/g, '<br>') + '</p>';
      if (e.op.parameters.length) html += '<h4>Parameters</h4><pre>' + esc(JSON.stringify(e.op.parameters, null, 2)) + '</pre>';
      if (e.op.requestBody) html += '<h4>Body</h4><pre>' + esc(JSON.stringify(e.op.requestBody.content['application/json'].schema, null, 2)) + '</pre>';
      html += '<h4>Responses</h4><pre>' + esc(JSON.stringify(e.op.responses, null, 2)) + '</pre></details>';
    });
  });
  document.getElementById('ops').innerHTML = html;
});
</script></body></html>`;

/** Registers GET /openapi.json and GET /docs; call it last, so the document covers every route. */
export function registerDocsRoutes(api: Api, registry: RouteRegistry, version: string): void {
  let document: Record<string, unknown> | null = null;
  api.route(
    { method: 'GET', url: '/openapi.json', tag: 'docs', summary: 'This OpenAPI 3.1 document', access: 'public', response: { description: 'The document' } },
    () => (document ??= buildOpenApiDocument(registry, version)),
  );
  api.route(
    { method: 'GET', url: '/docs', tag: 'docs', summary: 'A page that renders this document', access: 'public', response: { description: 'HTML' } },
    ({ reply }) => reply.type('text/html; charset=utf-8').send(DOCS_PAGE),
  );
}
