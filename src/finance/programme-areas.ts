import type { ProgrammeAreaProps } from './area-sectors.ts';

/**
 * The alliance's six programme areas as the demo sets them up (the secretariat may add or change
 * areas), each with the OECD DAC 5-digit sectors (IATI Sector codelist) its work is reported under:
 *
 * - 16070 Labour rights: decent work and the ILO core standards, which include safety at work and
 *   the elimination of child labour.
 * - 32264 Non-ferrous metals: the sector of cobalt and copper mining itself.
 * - 16015 Social services (incl. youth development and women + children): the support given to
 *   children taken out of the mines and their families.
 * - 24040 Informal/semi-formal financial intermediaries: savings groups.
 * - 32130 Small and medium-sized enterprises (SME) development: the miners' micro-enterprises.
 * - 32210 Mineral/mining policy and administrative management: bringing artisanal sites into the
 *   legal and qualified frame.
 * - 25040 Responsible business conduct: due diligence in the supply chain, which the credit
 *   mechanism finances and the alliance's governance exists to serve.
 */
export const allianceProgrammeAreas: readonly ProgrammeAreaProps[] = [
  {
    code: 'health_safety',
    labelEn: 'Occupational health and safety',
    labelFr: 'Santé et sécurité au travail',
    sectors: [{ code: '16070', percentage: 70 }, { code: '32264', percentage: 30 }],
  },
  {
    code: 'child_labour',
    labelEn: 'Child labour remediation',
    labelFr: 'Remédiation du travail des enfants',
    sectors: [{ code: '16070', percentage: 50 }, { code: '16015', percentage: 50 }],
  },
  {
    code: 'economic_resilience',
    labelEn: 'Economic resilience (savings groups and micro-enterprises)',
    labelFr: 'Résilience économique (groupes d’épargne et micro-entreprises)',
    sectors: [{ code: '24040', percentage: 50 }, { code: '32130', percentage: 50 }],
  },
  {
    code: 'formalisation',
    labelEn: 'Formalisation and site qualification',
    labelFr: 'Formalisation et qualification des sites',
    sectors: [{ code: '32210', percentage: 80 }, { code: '32264', percentage: 20 }],
  },
  {
    code: 'credit_mechanism',
    labelEn: 'The credit mechanism and its digitisation',
    labelFr: 'Le mécanisme de crédits et sa numérisation',
    sectors: [{ code: '25040', percentage: 60 }, { code: '32264', percentage: 40 }],
  },
  {
    code: 'governance',
    labelEn: 'Governance and secretariat',
    labelFr: 'Gouvernance et secrétariat',
    sectors: [{ code: '25040', percentage: 100 }],
  },
];
