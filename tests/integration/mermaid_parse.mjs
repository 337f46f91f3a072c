// Parses Mermaid files with Mermaid's own parser (Node, with jsdom for the DOM
// Mermaid expects): a check beside mermaid_check.py, run when a node_modules
// directory holding the npm packages mermaid and jsdom is named (Debian has
// neither; export.sh runs this only when TLSLADDER_MERMAID_MODULES is set).
//
// Usage: node mermaid_parse.mjs NODE_MODULES_DIR FILE...
// Prints "N parsed, M failed"; exit 0 when every file is a sequence diagram
// Mermaid accepts.
import { readFileSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';

const [modules, ...files] = process.argv.slice(2);
const load = (rel) => import(pathToFileURL(join(modules, rel)).href);
const { JSDOM } = (await load('jsdom/lib/api.js')).default;
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await load('mermaid/dist/mermaid.core.mjs')).default;
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
let bad = 0;
for (const f of files) {
	try {
		const r = await mermaid.parse(readFileSync(f, 'utf8'));
		if (!r || r.diagramType !== 'sequence') {
			console.log(`${f}: not a sequence diagram: ${JSON.stringify(r)}`);
			bad++;
		}
	} catch (e) {
		console.log(`${f}: ${String(e.message || e).split('\n').slice(0, 3).join(' | ')}`);
		bad++;
	}
}
console.log(`${files.length - bad} parsed, ${bad} failed`);
process.exit(bad || files.length === 0 ? 1 : 0);
