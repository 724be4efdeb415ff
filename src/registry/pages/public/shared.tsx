import type { Context } from 'hono';
import type { Locale } from '../../../core/i18n/index.ts';
import { StatusTag, type TagTone } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { frame } from '../../../web/messages.ts';
import { publicText } from '../../messages/public.ts';
import type { blockStates } from '../../schema.ts';

export type Mineral = { code: string; labelEn: string; labelFr: string };

export const registryPath = '/registry';

export const crumbs = (c: Context<AppEnv>) => [
  { href: '/', label: frame.t(c.get('locale'), 'nav_home') },
  { href: registryPath, label: frame.t(c.get('locale'), 'nav_registry') },
];

export const mineralLabel = (minerals: Mineral[], code: string, locale: Locale) => {
  const mineral = minerals.find((m) => m.code === code);
  return mineral ? (locale === 'fr' ? mineral.labelFr : mineral.labelEn) : code;
};

export const serialLink = (serials: string) => `${registryPath}/serials?${new URLSearchParams({ serial: serials }).toString()}`;

const stateTone: Record<(typeof blockStates)[number], TagTone> = { held: 'blue', retired: 'green', cancelled: 'grey' };

export function StateTag({ locale, state }: { locale: Locale; state: (typeof blockStates)[number] }) {
  return <StatusTag tone={stateTone[state]}>{publicText(locale)(`state_${state}`)}</StatusTag>;
}

/** A link to a CSV download, saying what it holds. */
export function CsvLink({ href, label }: { href: string; label: string }) {
  return (
    <p>
      <a href={href} download>
        {label}
      </a>
    </p>
  );
}
