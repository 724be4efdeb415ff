/** The savings module's public codes: a group (`KAM-VSLA-01`), its members (`KAM-VSLA-01-M07`) and their enterprises (`KAM-VSLA-01-E03`). */
export const groupCodePattern = /^[A-Z]{3,6}-VSLA-\d{2,3}$/;
export const memberCodePattern = /^[A-Z]{3,6}-VSLA-\d{2,3}-M\d{2,3}$/;
export const enterpriseCodePattern = /^[A-Z]{3,6}-VSLA-\d{2,3}-E\d{2,3}$/;
