import { sql } from 'drizzle-orm';
import { customType } from 'drizzle-orm/pg-core';

/** BYTEA as a Buffer on both drivers (PGlite gives a Uint8Array, pg a Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array | string }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => {
    if (typeof value === 'string') return Buffer.from(value.startsWith('\\x') ? value.slice(2) : value, 'hex');
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  },
});

/**
 * A fixed list of values as SQL literals for a CHECK constraint (`status in (${inList(statuses)})`).
 * Only for the schema's own constant lists: the values are written into the SQL as they are.
 */
export const inList = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));
