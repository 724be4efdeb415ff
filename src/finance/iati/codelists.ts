import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { convert } from 'xmlbuilder2';

/** The official IATI 2.03 files, copied unchanged into the repository (standards/iati/README.md). */
export const iatiStandardDir = fileURLToPath(new URL('../../../standards/iati/', import.meta.url));

type CodelistItem = { '@status'?: string; code: string | number };
const codelists = new Map<string, ReadonlyMap<string, 'active' | 'withdrawn'>>();

/** The codes of an IATI codelist (e.g. `Sector`) with their status, read once from its official file. */
export function codelistCodes(name: string): ReadonlyMap<string, 'active' | 'withdrawn'> {
  let codes = codelists.get(name);
  if (!codes) {
    const document = convert(readFileSync(`${iatiStandardDir}codelists/${name}.xml`, 'utf8'), { format: 'object' }) as {
      codelist: { 'codelist-items': { 'codelist-item': CodelistItem | CodelistItem[] } };
    };
    const items = [document.codelist['codelist-items']['codelist-item']].flat();
    codes = new Map(items.map((item) => [String(item.code), item['@status'] === 'withdrawn' ? 'withdrawn' : 'active'] as const));
    codelists.set(name, codes);
  }
  return codes;
}

/** Whether a code is in an IATI codelist and not withdrawn. */
export const isActiveCode = (codelist: string, code: string) => codelistCodes(codelist).get(code) === 'active';
