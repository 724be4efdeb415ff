import { declareProduction, listMinerals, type Parsed, parseGradePercent, parseTonnes, productionError, productionText, siteByCode } from '../../sites/public.ts';
import { answer, type ChoiceList, type FormDefinition } from './definition.ts';
import { siteField } from './site.ts';

const mineralList: ChoiceList = {
  name: 'mineral',
  choices: async (db) => (await listMinerals(db)).map((m) => ({ name: m.code, label: { en: m.labelEn, fr: m.labelFr } })),
};

/** A quantity read with the sites module's own parser, refused with its own message. */
function quantityOf(parsed: Parsed, field: string, value: string): number {
  if (parsed.ok) return parsed.value;
  throw productionError(parsed.problem, 422, { value }, [{ field, code: parsed.problem }]);
}

const label = (key: Parameters<typeof productionText.localized>[0]) => productionText.localized(key);

export const productionDeclarationForm: FormDefinition = {
  id: 'production_declaration',
  eventType: 'sites.production_declared',
  version: '2025.1',
  title: { en: 'Production declaration', fr: 'Déclaration de production' },
  fields: [
    siteField('declaration'),
    { name: 'mineral', group: 'declaration', type: 'select_one', required: true, list: mineralList, label: label('mineral_label') },
    { name: 'produced_on', group: 'declaration', type: 'date', required: true, label: label('produced_on_label'), hint: label('produced_on_hint'), constraint: '. <= today()' },
    { name: 'lot_reference', group: 'declaration', type: 'text', required: false, label: label('lot_label'), hint: label('lot_hint') },
    { name: 'wet_ore_t', group: 'figures', type: 'decimal', required: true, label: label('wet_label'), hint: label('tonnes_hint'), constraint: '. >= 0' },
    { name: 'dry_ore_t', group: 'figures', type: 'decimal', required: true, label: label('dry_label'), hint: label('tonnes_hint'), constraint: '. >= 0 and . <= ${wet_ore_t}' },
    { name: 'grade_percent', group: 'figures', type: 'decimal', required: true, label: label('grade_label'), hint: label('grade_hint'), constraint: '. >= 0 and . <= 100' },
    { name: 'buyer', group: 'figures', type: 'text', required: true, label: label('buyer_label'), hint: label('buyer_hint') },
  ],
  async record(ctx, answers) {
    const code = answer.required(answers, 'site');
    const site = await siteByCode(ctx.tx, code);
    if (!site) throw productionError('site_not_found', 404, {}, [{ field: 'site', value: code }]);
    const wet = answer.required(answers, 'wet_ore_t');
    const dry = answer.required(answers, 'dry_ore_t');
    const grade = answer.required(answers, 'grade_percent');
    const declaration = await declareProduction(ctx, {
      siteId: site.id,
      mineral: answer.required(answers, 'mineral'),
      producedOn: answer.date(answers, 'produced_on'),
      lotReference: answer.optional(answers, 'lot_reference'),
      wetOreKg: quantityOf(parseTonnes(wet), 'wet_ore_t', wet),
      dryOreKg: quantityOf(parseTonnes(dry), 'dry_ore_t', dry),
      gradeBasisPoints: quantityOf(parseGradePercent(grade), 'grade_percent', grade),
      buyer: answer.text(answers, 'buyer'),
    });
    return `production:${declaration.id}`;
  },
};
