import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';

/**
 * PDFs are typeset by Typst: one template per document (a `.typ` file beside the code that uses
 * it), its data passed as `sys.inputs` (a JSON string under the key `data`, read in the template
 * with `json(bytes(sys.inputs.data))`), images and other files mapped into a virtual workspace.
 * Fonts are Typst's embedded defaults, so a document renders the same on every machine; nothing
 * is fetched at run time.
 */

const workspace = '/orebook-typst';

let compiler: NodeCompiler | undefined;

/** One compiler per process: creating one takes ~60 ms, a page once warm ~3 ms. */
function typst(): NodeCompiler {
  compiler ??= NodeCompiler.create({ workspace });
  return compiler;
}

export type PdfFiles = Record<string, Uint8Array | string>;

/**
 * Renders a Typst template to PDF bytes. `files` are readable from the template at `/<name>`
 * (e.g. `image("/qr.svg")`). Throws with Typst's diagnostic when the template does not compile.
 */
export function renderPdf(template: string, data: unknown, files: PdfFiles = {}): Buffer {
  const compiler = typst();
  compiler.resetShadow();
  for (const [name, content] of Object.entries(files)) compiler.mapShadow(`${workspace}/${name}`, Buffer.from(content));
  try {
    return compiler.pdf({ mainFileContent: template, inputs: { data: JSON.stringify(data) } });
  } finally {
    compiler.resetShadow();
    // Keep memory flat across many documents: drop what was not used in the last few compilations.
    compiler.evictCache(10);
  }
}
