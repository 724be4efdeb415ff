import { defineMessages } from '../../core/i18n/index.ts';

export const registryHomeText = defineMessages({
  en: {
    home_registry: 'Credits',
    home_pending_accounts: '{count, plural, one {# registry account waiting} other {# registry accounts waiting}} for your approval',
    home_orders_to_pay: 'Order {invoice} of {organisation}: {amount} awaiting payment',
    home_issuable: '{site}: {quantity} verified but not yet issued ({period})',
    home_no_tasks: 'Nothing waits for you in the registry.',
    home_held: 'credits held in your accounts',
    home_retired: 'credits retired against your claims',
    home_invoice_to_pay: 'Invoice {invoice}: pay {amount} by {date}',
    home_footprint_open: 'Footprint {reference}: {rest} still to cover ({percent} covered)',
    home_open_account: 'Open a registry account to buy and retire credits',
  },
  fr: {
    home_registry: 'Crédits',
    home_pending_accounts: '{count, plural, one {# compte de registre} other {# comptes de registre}} en attente de votre approbation',
    home_orders_to_pay: 'Commande {invoice} de {organisation} : {amount} en attente de paiement',
    home_issuable: '{site} : {quantity} vérifiées mais pas encore émises ({period})',
    home_no_tasks: 'Rien ne vous attend dans le registre.',
    home_held: 'crédits détenus sur vos comptes',
    home_retired: 'crédits retirés au titre de vos déclarations',
    home_invoice_to_pay: 'Facture {invoice} : payer {amount} avant le {date}',
    home_footprint_open: 'Empreinte {reference} : {rest} restent à couvrir ({percent} couvertes)',
    home_open_account: 'Ouvrir un compte de registre pour acheter et retirer des crédits',
  },
});
