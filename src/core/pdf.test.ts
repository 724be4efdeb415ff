import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderPdf } from './pdf.ts';

const template = `#let data = json(bytes(sys.inputs.data))
#set text(lang: data.lang)
= #data.title
#image("/mark.svg", width: 1cm)
`;

describe('renderPdf', () => {
  it('typesets a template with its data and files into a PDF whose text can be extracted', () => {
    const mark = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    const pdf = renderPdf(template, { lang: 'fr', title: 'Certificat de retrait — 2 500 kg' }, { 'mark.svg': mark });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString();
    expect(text).toContain('Certificat de retrait — 2 500 kg');
  });

  it('throws when the template does not compile, and keeps working afterwards', () => {
    expect(() => renderPdf('#let x = (', {})).toThrow();
    expect(renderPdf(template, { lang: 'en', title: 'Again' }, { 'mark.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>' }).length).toBeGreaterThan(500);
  });
});
