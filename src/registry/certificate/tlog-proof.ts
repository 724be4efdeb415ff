/**
 * The C2SP transparency log proof (https://c2sp.org/tlog-proof): a self-contained,
 * offline-checkable proof that an entry is in a log, as text:
 *
 *   c2sp.org/tlog-proof@v1
 *   extra <base64 of application data>      (optional)
 *   index <decimal>
 *   <base64 hash>                           (the RFC 6962 inclusion proof, leaf side first, one per line)
 *   <blank line>
 *   <the signed checkpoint note, verbatim>
 */

export const tlogProofHeader = 'c2sp.org/tlog-proof@v1';

export type TlogProof = {
  /** Opaque data the reader needs to recompute the leaf; not authenticated by the proof itself. */
  extra?: Uint8Array;
  index: number;
  hashes: readonly Uint8Array[];
  /** A C2SP signed note whose text is a tlog-checkpoint. */
  checkpoint: string;
};

export function formatTlogProof(proof: TlogProof): string {
  const lines = [
    tlogProofHeader,
    ...(proof.extra ? [`extra ${Buffer.from(proof.extra).toString('base64')}`] : []),
    `index ${proof.index}`,
    ...proof.hashes.map((hash) => Buffer.from(hash).toString('base64')),
  ];
  return `${lines.join('\n')}\n\n${proof.checkpoint}`;
}
