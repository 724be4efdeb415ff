import fs from 'node:fs';
import QRCode from 'qrcode';
import { formatDate, formatDateTime, formatTonnes } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { renderPdf } from '../../core/pdf.ts';
import { certificatesText, type CertificatesMessage } from '../messages/certificates.ts';
import { siteOf } from './document.ts';
import type { CertificateView } from './view.ts';

const template = fs.readFileSync(new URL('./certificate.typ', import.meta.url), 'utf8');

/** The QR code options: the test that reads the QR code back from the PDF builds the same symbol. */
export const qrOptions = { errorCorrectionLevel: 'M', margin: 0 } as const;

/** The QR code of the certificate's public page, as SVG for the Typst workspace. */
export function certificateQrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...qrOptions, type: 'svg' });
}

/**
 * The certificate as a PDF in the reader's language: the claim, the serials, where the
 * retirement is in the journal, the signature and the key, and a QR code of its public page.
 */
export async function renderCertificatePdf(view: CertificateView, locale: Locale, mineralLabel: (code: string) => string): Promise<Buffer> {
  const document = view.document;
  if (!document) throw new Error(`certificate ${view.certificate.retirementId} does not hold a certificate document`);
  const t = (key: CertificatesMessage, params?: Record<string, string | number>) => certificatesText.t(locale, key, params);
  const period = (p: { start: string; end: string }) => t('period_value', { start: formatDate(locale, p.start), end: formatDate(locale, p.end) });
  const site = siteOf(document) ?? document.url;
  const data = {
    lang: locale,
    brand: 'Orebook',
    title: t('title', { id: document.retirementId }),
    heading: t('pdf_heading'),
    footer: `${t('title', { id: document.retirementId })} · ${document.url}`,
    lead: t('lead', { quantity: formatTonnes(locale, document.quantity.kg), beneficiary: document.beneficiary, start: formatDate(locale, document.claimPeriod.start), end: formatDate(locale, document.claimPeriod.end) }),
    qrCaption: t('qr_caption'),
    factsCaption: t('facts_caption'),
    facts: [
      [t('retirement'), String(document.retirementId)],
      [t('beneficiary'), document.beneficiary],
      [t('quantity'), `${formatTonnes(locale, document.quantity.kg)} (${document.quantity.kg} kg)`],
      [t('claim_period'), period(document.claimPeriod)],
      [t('covers'), document.covers],
      [t('footprint_reference'), document.footprintReference ?? t('none')],
      [t('public_statement'), document.publicStatement || t('none')],
      [t('retired_at'), formatDateTime(locale, document.retiredAt)],
    ],
    serialsCaption: t('serials_caption'),
    serialsHeader: [t('serials'), t('mineral'), t('site'), t('vintage'), t('production_period'), t('quantity')],
    serials: document.serials.map((r) => [r.serials, mineralLabel(r.mineral), `${r.site.name} (${r.site.code}, ${r.country})`, String(r.vintage), period(r.period), formatTonnes(locale, r.quantityKg)]),
    journalCaption: t('journal_caption'),
    journal: [
      [t('journal_entry'), t('journal_entry_value', { index: document.journal.index, origin: document.journal.origin }), false],
      [t('entry_sha256'), document.journal.entrySha256, true],
      [t('checkpoint'), view.checkpoint ? t('checkpoint_value', { size: view.checkpoint.treeSize, date: formatDateTime(locale, view.checkpoint.signedAt) }) : t('checkpoint_pending'), false],
    ],
    signatureCaption: t('signature_caption'),
    signature: [
      [t('algorithm'), 'Ed25519', false],
      [t('key'), document.key.name, false],
      [t('key_hash'), document.key.keyHash, true],
      [t('public_key'), document.key.publicKey, true],
      [t('signature'), view.certificate.signature.toString('base64'), true],
      [t('document_sha256'), view.documentSha256, true],
      [t('issued_at'), formatDateTime(locale, document.issuedAt), false],
    ],
    check: t('pdf_check', { url: document.url, doc: `${site}/docs/certificates.md`, keyUrl: `${site}/.well-known/orebook-key` }),
  };
  return renderPdf(template, data, { 'qr.svg': await certificateQrSvg(document.url) });
}
