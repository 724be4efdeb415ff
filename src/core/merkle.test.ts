import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  MerkleTree,
  consistencyProof,
  hashChildren,
  hashLeaf,
  inclusionProof,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const toHex = (list: readonly Uint8Array[]): string[] => list.map((b) => Buffer.from(b).toString('hex'));

// Leaf inputs, node hashes and roots: transparency-dev/merkle testonly/constants.go
// (LeafInputs, NodeHashes, RootHashes); the same set as proof/verify_test.go and
// certificate-transparency's merkle_tree_test.cc.
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);

const NODE_HASHES: Buffer[][] = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
].map((level) => level.map(hex));

/** Indexed by tree size. */
const ROOT_HASHES = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);

// transparency-dev/merkle proof/verify_test.go: inclusionProofs (leaf is 1-based there).
const INCLUSION_VECTORS: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

// transparency-dev/merkle proof/verify_test.go: consistencyProofs.
const CONSISTENCY_VECTORS: { from: number; to: number; proof: string[] }[] = [
  { from: 1, to: 1, proof: [] },
  {
    from: 1,
    to: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    from: 6,
    to: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

// Proof shapes from transparency-dev/merkle proof/proof_test.go (TestInclusion,
// TestConsistency), given there as node IDs (level, index) of the 7/8-leaf
// example tree; the hashes are NODE_HASHES above. `l` is the proof's "rehash"
// l = hash(i, j) of the incomplete subtree over leaves 4..6.
const [a, b, c, d, e, f, j, leaf7] = NODE_HASHES[0]!;
const [g, h, i] = NODE_HASHES[1]!;
const [k, l8] = NODE_HASHES[2]!;
const l7 = hashChildren(i!, j!);
const INCLUSION_SHAPES: { index: number; size: number; proof: Uint8Array[] }[] = [
  { size: 2, index: 0, proof: [b!] },
  { size: 2, index: 1, proof: [a!] },
  { size: 3, index: 1, proof: [a!, c!] },
  { size: 7, index: 0, proof: [b!, h!, l7] },
  { size: 7, index: 1, proof: [a!, h!, l7] },
  { size: 7, index: 2, proof: [d!, g!, l7] },
  { size: 7, index: 3, proof: [c!, g!, l7] },
  { size: 7, index: 4, proof: [f!, j!, k!] },
  { size: 7, index: 5, proof: [e!, j!, k!] },
  { size: 7, index: 6, proof: [i!, k!] },
  { size: 4, index: 2, proof: [d!, g!] },
  { size: 5, index: 3, proof: [c!, g!, e!] },
  { size: 6, index: 3, proof: [c!, g!, i!] },
  { size: 6, index: 4, proof: [f!, k!] },
];
const CONSISTENCY_SHAPES: { from: number; to: number; proof: Uint8Array[] }[] = [
  { from: 1, to: 2, proof: [b!] },
  { from: 1, to: 4, proof: [b!, h!] },
  { from: 1, to: 6, proof: [b!, h!, i!] },
  { from: 2, to: 3, proof: [c!] },
  { from: 2, to: 8, proof: [h!, l8!] },
  { from: 3, to: 7, proof: [c!, d!, g!, l7] },
  { from: 4, to: 7, proof: [l7] },
  { from: 5, to: 7, proof: [e!, f!, j!, k!] },
  { from: 6, to: 7, proof: [i!, j!, k!] },
  { from: 7, to: 8, proof: [j!, leaf7!, i!, k!] },
  { from: 2, to: 4, proof: [h!] },
  { from: 3, to: 5, proof: [c!, d!, g!, e!] },
  { from: 3, to: 6, proof: [c!, d!, g!, i!] },
  { from: 4, to: 6, proof: [i!] },
  { from: 1, to: 7, proof: [b!, h!, l7] },
];

const VECTOR_LEAVES = LEAF_INPUTS.map(hashLeaf);

/** Straight transcription of RFC 9162 §2.1.1 MTH, used as an independent reference. */
function referenceRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return Buffer.from(EMPTY_ROOT);
  if (leaves.length === 1) return leaves[0]!;
  const split = largestPowerOfTwoBelow(leaves.length);
  return hashChildren(referenceRoot(leaves.slice(0, split)), referenceRoot(leaves.slice(split)));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
function referencePath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const split = largestPowerOfTwoBelow(leaves.length);
  return m < split
    ? [...referencePath(m, leaves.slice(0, split)), referenceRoot(leaves.slice(split))]
    : [...referencePath(m - split, leaves.slice(split)), referenceRoot(leaves.slice(0, split))];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b). */
function referenceSubproof(m: number, leaves: readonly Buffer[], whole: boolean): Buffer[] {
  if (m === leaves.length) return whole ? [] : [referenceRoot(leaves)];
  const split = largestPowerOfTwoBelow(leaves.length);
  return m <= split
    ? [...referenceSubproof(m, leaves.slice(0, split), whole), referenceRoot(leaves.slice(split))]
    : [...referenceSubproof(m - split, leaves.slice(split), false), referenceRoot(leaves.slice(0, split))];
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function makeLeaves(count: number): Buffer[] {
  return Array.from({ length: count }, (_, n) => hashLeaf(Buffer.from(`leaf ${n}`)));
}

/** Copies `proof` with one byte of element `at` flipped. */
function flipByte(proof: readonly Uint8Array[], at: number): Buffer[] {
  return proof.map((node, n) => {
    const copy = Buffer.from(node);
    if (n === at) copy.writeUInt8(copy.readUInt8(n % copy.length) ^ 0x10, n % copy.length);
    return copy;
  });
}

describe('RFC 6962 hashing', () => {
  // transparency-dev/merkle rfc6962/rfc6962_test.go
  it('matches the reference hasher vectors', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashLeaf(Buffer.alloc(0)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hashLeaf(Buffer.from('L123456')).toString('hex')).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    expect(hashChildren(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('hashes the test leaves to the published level-0 node hashes', () => {
    expect(toHex(VECTOR_LEAVES)).toEqual(toHex(NODE_HASHES[0]!));
  });
});

describe('published RFC 6962 vectors', () => {
  it('computes the root for every size 0..8', () => {
    const tree = new MerkleTree();
    for (let size = 0; size <= 8; size++) {
      expect(rootHash(VECTOR_LEAVES, size).toString('hex'), `size ${size}`).toBe(ROOT_HASHES[size]!.toString('hex'));
      expect(tree.root().toString('hex'), `size ${size}`).toBe(ROOT_HASHES[size]!.toString('hex'));
      if (size < 8) tree.append(VECTOR_LEAVES[size]!);
    }
  });

  it('computes the perfect subtree hashes of higher levels', () => {
    for (const [level, hashes] of NODE_HASHES.entries()) {
      for (const [n, expected] of hashes.entries()) {
        const width = 2 ** level;
        expect(rootHash(VECTOR_LEAVES.slice(n * width, (n + 1) * width)).toString('hex')).toBe(expected.toString('hex'));
      }
    }
  });

  it.each([...INCLUSION_VECTORS, ...INCLUSION_SHAPES.map((v) => ({ ...v, proof: toHex(v.proof) }))])(
    'inclusion proof for leaf $index of $size',
    ({ index, size, proof }) => {
      expect(toHex(inclusionProof(VECTOR_LEAVES, index, size))).toEqual(proof);
      expect(verifyInclusion(VECTOR_LEAVES[index]!, index, size, proof.map(hex), ROOT_HASHES[size]!)).toBe(true);
    },
  );

  it.each([...CONSISTENCY_VECTORS, ...CONSISTENCY_SHAPES.map((v) => ({ ...v, proof: toHex(v.proof) }))])(
    'consistency proof from $from to $to',
    ({ from, to, proof }) => {
      expect(toHex(consistencyProof(VECTOR_LEAVES, from, to))).toEqual(proof);
      expect(verifyConsistency(from, to, proof.map(hex), ROOT_HASHES[from]!, ROOT_HASHES[to]!)).toBe(true);
    },
  );
});

describe('proofs for every tree size up to 70', () => {
  const MAX = 70;
  const leaves = makeLeaves(MAX);
  const tree = new MerkleTree(leaves);
  const roots = Array.from({ length: MAX + 1 }, (_, size) => tree.root(size));

  it('roots match the reference MTH, rootHash and the tree', () => {
    for (let size = 0; size <= MAX; size++) {
      const expected = referenceRoot(leaves.slice(0, size)).toString('hex');
      expect(roots[size]!.toString('hex')).toBe(expected);
      expect(rootHash(leaves, size).toString('hex')).toBe(expected);
      expect(new MerkleTree(leaves.slice(0, size)).root().toString('hex')).toBe(expected);
    }
  });

  it('inclusion proofs verify, and fail for a wrong index, a flipped byte or a changed leaf', () => {
    for (let size = 1; size <= MAX; size++) {
      const root = roots[size]!;
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size);
        const leaf = leaves[index]!;
        expect(toHex(proof)).toEqual(toHex(referencePath(index, leaves.slice(0, size))));
        expect(toHex(inclusionProof(leaves, index, size))).toEqual(toHex(proof));
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);

        for (const wrongIndex of [index - 1, index + 1, index ^ 2]) {
          if (wrongIndex !== index) expect(verifyInclusion(leaf, wrongIndex, size, proof, root)).toBe(false);
        }
        expect(verifyInclusion(leaf, index, size * 2, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[(index + 1) % MAX]!, index, size, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, [...proof, root], root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(leaf, index, size, proof.slice(0, -1), root)).toBe(false);
        for (let at = 0; at < proof.length; at++) {
          expect(verifyInclusion(leaf, index, size, flipByte(proof, at), root)).toBe(false);
        }
      }
    }
  });

  it('consistency proofs verify, and fail for a flipped byte or a wrong root', () => {
    for (let to = 1; to <= MAX; to++) {
      for (let from = 1; from <= to; from++) {
        const proof = tree.consistencyProof(from, to);
        const [fromRoot, toRoot] = [roots[from]!, roots[to]!];
        expect(toHex(proof)).toEqual(toHex(referenceSubproof(from, leaves.slice(0, to), true)));
        expect(toHex(consistencyProof(leaves, from, to))).toEqual(toHex(proof));
        expect(verifyConsistency(from, to, proof, fromRoot, toRoot)).toBe(true);

        const otherRoot = roots[to === MAX ? to - 1 : to + 1]!;
        expect(verifyConsistency(from, to, proof, fromRoot, otherRoot)).toBe(false);
        expect(verifyConsistency(from, to, proof, roots[from - 1]!, toRoot)).toBe(false);
        for (let at = 0; at < proof.length; at++) {
          expect(verifyConsistency(from, to, flipByte(proof, at), fromRoot, toRoot)).toBe(false);
        }
        if (from < to) {
          expect(verifyConsistency(from, to, proof.slice(0, -1), fromRoot, toRoot)).toBe(false);
          expect(verifyConsistency(from, to, [...proof, toRoot], fromRoot, toRoot)).toBe(false);
          expect(verifyConsistency(from - 1, to, proof, fromRoot, toRoot)).toBe(false);
          expect(verifyConsistency(from, to, [], fromRoot, toRoot)).toBe(false);
        }
      }
    }
  });

  it('a tree is consistent with the empty tree only through an empty proof', () => {
    expect(tree.consistencyProof(0, 5)).toEqual([]);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, roots[5]!)).toBe(true);
    expect(verifyConsistency(0, 5, [roots[5]!], EMPTY_ROOT, roots[5]!)).toBe(false);
    expect(verifyConsistency(0, 5, [], roots[1]!, roots[5]!)).toBe(false);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(true);
  });
});

describe('input checks', () => {
  const leaves = makeLeaves(10);
  const tree = new MerkleTree(leaves);

  it('proof builders throw RangeError for out-of-range arguments', () => {
    expect(() => inclusionProof(leaves, 0, 0)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, 10, 10)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, -1, 5)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, 0, 11)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, 1.5, 5)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 5, 4)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 1, 11)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, -1, 3)).toThrow(RangeError);
    expect(() => rootHash(leaves, 11)).toThrow(RangeError);
    expect(() => tree.inclusionProof(3, 11)).toThrow(RangeError);
    expect(() => tree.consistencyProof(3, 11)).toThrow(RangeError);
    expect(() => tree.root(11)).toThrow(RangeError);
    expect(() => tree.leafHash(10)).toThrow(RangeError);
    expect(() => new MerkleTree().append(Buffer.alloc(31))).toThrow(RangeError);
  });

  it('verifiers return false for malformed input', () => {
    const root = tree.root();
    const proof = tree.inclusionProof(3);
    expect(verifyInclusion(leaves[3]!, 3, 10, proof, root)).toBe(true);
    expect(verifyInclusion(leaves[3]!, 10, 10, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[3]!, -1, 10, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[3]!, 3, 0, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[3]!, 3, 10, proof, root.subarray(1))).toBe(false);
    expect(verifyInclusion(leaves[3]!.subarray(1), 3, 10, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[3]!, 3, 10, [...proof, Buffer.alloc(0)], root)).toBe(false);
    expect(verifyInclusion(leaves[3]!, 3, 10, [Buffer.alloc(0), ...proof], root)).toBe(false);
    expect(verifyConsistency(5, 4, [], root, root)).toBe(false);
    expect(verifyConsistency(3, 3, [], root, tree.root(4))).toBe(false);
    expect(verifyConsistency(3, 3, [root], root, root)).toBe(false);
    expect(verifyConsistency(3, 10, tree.consistencyProof(3), tree.root(3).subarray(2), root)).toBe(false);
  });

  it('returned hashes are copies that cannot corrupt the tree', () => {
    const root = tree.root();
    tree.root().fill(0);
    tree.inclusionProof(0).forEach((node) => node.fill(0));
    tree.leafHash(0).fill(0);
    expect(tree.root()).toEqual(root);
  });
});

describe('MerkleTree against the free functions', () => {
  it('agrees on random trees, indexes and size pairs', () => {
    const leaves = makeLeaves(1500);
    const tree = new MerkleTree(leaves);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: leaves.length }).chain((size) =>
          fc.record({
            size: fc.constant(size),
            index: fc.integer({ min: 0, max: size - 1 }),
            from: fc.integer({ min: 0, max: size }),
          }),
        ),
        ({ size, index, from }) => {
          const root = rootHash(leaves, size);
          expect(tree.root(size)).toEqual(root);
          expect(new MerkleTree(leaves.slice(0, size)).root()).toEqual(root);

          const path = tree.inclusionProof(index, size);
          expect(inclusionProof(leaves, index, size)).toEqual(path);
          expect(verifyInclusion(leaves[index]!, index, size, path, root)).toBe(true);

          const proof = tree.consistencyProof(from, size);
          expect(consistencyProof(leaves, from, size)).toEqual(proof);
          expect(verifyConsistency(from, size, proof, rootHash(leaves, from), root)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('builds and proves over 100,000 leaves (speed is measured in bench/journal.ts, not here)', () => {
    const leaves = makeLeaves(100_000);
    const tree = new MerkleTree(leaves);
    const root = rootHash(leaves);
    expect(tree.root()).toEqual(root);
    for (const index of [0, 1, 4_095, 65_536, 99_999]) {
      const path = tree.inclusionProof(index);
      expect(verifyInclusion(leaves[index]!, index, leaves.length, path, root)).toBe(true);
    }
    for (const from of [1, 3, 65_536, 77_777, 99_999]) {
      const proof = tree.consistencyProof(from);
      expect(verifyConsistency(from, leaves.length, proof, tree.root(from), root)).toBe(true);
    }
    const path = inclusionProof(leaves, 12_345, 99_000);
    expect(verifyInclusion(leaves[12_345]!, 12_345, 99_000, path, tree.root(99_000))).toBe(true);
    const proof = consistencyProof(leaves, 54_321, 99_000);
    expect(verifyConsistency(54_321, 99_000, proof, tree.root(54_321), tree.root(99_000))).toBe(true);
  });
});
