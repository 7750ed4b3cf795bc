/** Pages, sheet size (PDF points and mm) and text of a PDF, as pdfjs reads it (what a search in the printout finds). */
export async function pdfFacts(bytes: Buffer): Promise<{ pages: number; width: number; height: number; widthMm: number; heightMm: number; text: string }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  let text = '';
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('') + '\n';
  }
  const [x0, y0, x1, y1] = (await doc.getPage(1)).view;
  const mm = 25.4 / 72;
  return { pages: doc.numPages, width: x1 - x0, height: y1 - y0, widthMm: (x1 - x0) * mm, heightMm: (y1 - y0) * mm, text };
}
