import type { Context } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { listMinerals } from '../../sites/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { ensureCertificate } from '../commands/finish-retirement.ts';
import { certificateError } from '../messages/certificates.ts';
import type { Certificate } from '../queries/certificates.ts';
import { renderCertificatePdf } from './pdf.ts';
import { viewCertificate, type CertificateView } from './view.ts';

/** What the certificate's API and pages share: reading the number from the path, the view, the PDF. */

/** The retirement number of a path, or a 404 for one no retirement can have (ids are 32-bit). */
export function retirementIdOf(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw certificateError('certificate_not_found', 404, { id: text }, { retirementId: text });
  return id;
}

/** The certificate, for anyone; issued first if the retirement was never finished. */
export async function publicCertificate(c: Context<AppEnv>, retirementId: number): Promise<Certificate> {
  authorize(c.get('actor'), 'registry.read.public');
  return ensureCertificate(c.get('deps'), retirementId);
}

/** The certificate's view, issuing it first if the retirement was never finished. */
export async function certificateViewOf(c: Context<AppEnv>, retirementId: number): Promise<CertificateView> {
  const deps = c.get('deps');
  return viewCertificate(deps.db, deps.keyring, await publicCertificate(c, retirementId));
}

/** A mineral's name in the reader's language, by code. */
export async function mineralLabels(c: Context<AppEnv>): Promise<(code: string) => string> {
  const locale: Locale = c.get('locale');
  const minerals = await listMinerals(c.get('deps').db);
  return (code) => {
    const mineral = minerals.find((m) => m.code === code);
    return mineral ? (locale === 'fr' ? mineral.labelFr : mineral.labelEn) : code;
  };
}

/** The certificate's PDF as a response, in the reader's language. */
export async function certificatePdfResponse(c: Context<AppEnv>, retirementId: number): Promise<Response> {
  const view = await certificateViewOf(c, retirementId);
  const locale: Locale = c.get('locale');
  const pdf = await renderCertificatePdf(view, locale, await mineralLabels(c));
  return c.body(new Uint8Array(pdf), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `inline; filename="orebook-certificate-${retirementId}-${locale}.pdf"`,
  });
}

