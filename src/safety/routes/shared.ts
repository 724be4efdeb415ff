import { z } from '@hono/zod-openapi';
import { isoDateOf } from '../../core/calendar.ts';

export const Year = z.coerce.number().int().min(2000).max(2100);
export const SiteParams = z.object({ code: z.string().max(6) });

export const today = () => isoDateOf(new Date());
