import { z } from '@hono/zod-openapi';
import { groupCodePattern } from '../codes.ts';
import { cycleStatuses } from '../schema.ts';

/** What the savings API routes share: their tag, the group and cycle in a path, and a cycle's rules as the API shows them. */
export const tags = ['Savings groups'];
export const GroupParams = z.object({ code: z.string().regex(groupCodePattern).openapi({ example: 'KAM-VSLA-01' }) });
export const CycleParams = GroupParams.extend({ number: z.coerce.number().int().min(1).max(999) });

export const CycleRules = z.object({
  number: z.number().int(),
  startsOn: z.string(),
  endsOn: z.string(),
  currency: z.string(),
  sharePriceMinor: z.number().int(),
  maxSharesPerMeeting: z.number().int(),
  monthlyInterestBps: z.number().int(),
  socialFundContributionMinor: z.number().int(),
  status: z.enum(cycleStatuses),
});

export const presentCycle = (c: { number: number; startsOn: string; endsOn: string; currency: string; sharePriceMinor: number; maxSharesPerMeeting: number; monthlyInterestBps: number; socialFundContributionMinor: number; status: (typeof cycleStatuses)[number] }) => ({
  number: c.number,
  startsOn: c.startsOn,
  endsOn: c.endsOn,
  currency: c.currency,
  sharePriceMinor: c.sharePriceMinor,
  maxSharesPerMeeting: c.maxSharesPerMeeting,
  monthlyInterestBps: c.monthlyInterestBps,
  socialFundContributionMinor: c.socialFundContributionMinor,
  status: c.status,
});

