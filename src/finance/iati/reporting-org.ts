/**
 * The alliance as IATI's reporting organisation. Its identifier is under XI-IATI, the registration
 * agency the IATI Secretariat keeps for publishers registered with no other agency
 * (OrganisationRegistrationAgency codelist); FCA is the alliance's code under it. Type 21 is an
 * international NGO (OrganisationType codelist).
 */
export const reportingOrg = {
  ref: 'XI-IATI-FCA',
  type: '21',
  nameEn: 'Fair Cobalt Alliance',
  nameFr: 'Fair Cobalt Alliance',
} as const;

/** The IATI identifier of an activity: the reporting organisation's identifier, a hyphen, the activity's code. */
export const iatiIdentifier = (activityCode: string) => `${reportingOrg.ref}-${activityCode}`;

/** Every activity happens in the Democratic Republic of the Congo (Country codelist, ISO 3166-1). */
export const recipientCountry = 'CD';
