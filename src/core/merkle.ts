/**
 * RFC 9162 (Certificate Transparency v2, same tree as RFC 6962) Merkle tree
 * over SHA-256: hashing, root hashes, inclusion and consistency proofs and
 * their verification.
 */
import { createHash, hash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

// One-shot hashing of a reused scratch buffer: `crypto.hash` skips the Hash object that
// `createHash` builds per call, which doubles the speed of recomputing a large tree.
let scratch = Buffer.alloc(1024);
const node = Buffer.alloc(1 + 2 * 32);
node[0] = 0x01;

function sha256(bytes: Buffer): Buffer {
  return hash('sha256', bytes, 'buffer');
}

/** Root hash of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** Leaf hash: SHA-256(0x00 || entry) (RFC 9162 §2.1.1). */
export function hashLeaf(entry: Uint8Array): Buffer {
  if (scratch.length < entry.length + 1) scratch = Buffer.alloc(Math.max(entry.length + 1, scratch.length * 2));
  scratch[0] = 0x00;
  scratch.set(entry, 1);
  return sha256(scratch.subarray(0, entry.length + 1));
}

/** Interior node hash: SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) return createHash('sha256').update(Buffer.from([0x01])).update(left).update(right).digest();
  node.set(left, 1);
  node.set(right, 33);
  return sha256(node);
}

/**
 * Root hash of the tree made of the first `size` leaf hashes.
 * Iterative, n - 1 node hashes, O(log n) memory.
 */
export function rootHash(leafHashes: readonly Uint8Array[], size: number = leafHashes.length): Buffer {
  assertCount('size', size, leafHashes.length);
  // Stack of perfect subtree roots, largest first, as in a binary counter.
  const stack: Buffer[] = [];
  for (let i = 0; i < size; i++) {
    let node: Buffer = Buffer.from(assertLeafHash(leafHashes[i]!));
    for (let count = i + 1; count % 2 === 0; count /= 2) {
      node = hashChildren(stack.pop()!, node);
    }
    stack.push(node);
  }
  return foldRight(stack) ?? Buffer.from(EMPTY_ROOT);
}

/** Inclusion proof (audit path) for leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, size: number): Buffer[] {
  assertCount('size', size, leafHashes.length);
  return new MerkleTree(leafHashes.slice(0, size)).inclusionProof(index, size);
}

/** Consistency proof between the trees of sizes `from` and `to` (RFC 9162 §2.1.4.1). */
export function consistencyProof(leafHashes: readonly Uint8Array[], from: number, to: number): Buffer[] {
  assertCount('to', to, leafHashes.length);
  return new MerkleTree(leafHashes.slice(0, to)).consistencyProof(from, to);
}

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves with
 * root `root` (RFC 9162 §2.1.3.2). Returns false on any malformed input.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isCount(index) || !isCount(size) || index >= size) return false;
  if (!isHash(leafHash) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/**
 * Verifies that the tree of size `to` with root `toRoot` extends the tree of
 * size `from` with root `fromRoot` (RFC 9162 §2.1.4.2). From an empty tree
 * (whose root must be SHA-256("")) and between equal sizes (whose roots must
 * match) the proof must be empty. Returns false on any malformed input.
 */
export function verifyConsistency(
  from: number,
  to: number,
  proof: readonly Uint8Array[],
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
): boolean {
  if (!isCount(from) || !isCount(to) || from > to) return false;
  if (!isHash(fromRoot) || !isHash(toRoot) || !proof.every(isHash)) return false;
  if (from === 0) return proof.length === 0 && EMPTY_ROOT.equals(fromRoot);
  if (from === to) return proof.length === 0 && Buffer.from(fromRoot).equals(toRoot);
  if (proof.length === 0) return false;

  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  let fn = from - 1;
  let sn = to - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
}

/**
 * In-memory append-only Merkle tree. Level k keeps the hash of every complete
 * 2^k-leaf subtree aligned on a multiple of 2^k, so any tree size's root and
 * any proof combine O(log n) cached hashes (O(log² n) hashing for a proof).
 */
export class MerkleTree {
  /** levels[k] holds the complete aligned subtrees of 2^k leaves; levels[0] the leaf hashes. */
  readonly #levels: HashLevel[] = [new HashLevel()];

  /** Builds a tree holding the given leaf hashes (each 32 bytes). */
  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const leafHash of leafHashes) this.append(leafHash);
  }

  /** Number of leaves. */
  get size(): number {
    return this.#levels[0]!.length;
  }

  /** Appends a 32-byte leaf hash (see `hashLeaf`); returns its index. Amortised O(1) hashes. */
  append(leafHash: Uint8Array): number {
    const index = this.size;
    let node = assertLeafHash(leafHash);
    let position = index;
    for (let level = 0; ; level++) {
      this.#level(level).push(node);
      if (position % 2 === 0) break;
      // The new node completes a pair: its parent is now complete too.
      node = hashChildren(this.#level(level).get(position - 1), node);
      position = (position - 1) / 2;
    }
    return index;
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Buffer {
    assertIndex('index', index, this.size);
    return Buffer.from(this.#levels[0]!.get(index));
  }

  /** Root hash of the tree made of the first `size` leaves (default: all). */
  root(size: number = this.size): Buffer {
    assertCount('size', size, this.size);
    return size === 0 ? Buffer.from(EMPTY_ROOT) : this.#subtreeHash(0, size);
  }

  /** Inclusion proof for leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1 PATH). */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    assertCount('size', size, this.size);
    assertIndex('index', index, size);
    return inclusionProofRanges(index, size).map(([start, end]) => this.#subtreeHash(start, end));
  }

  /** Consistency proof between tree sizes `from` and `to` (RFC 9162 §2.1.4.1 PROOF/SUBPROOF). */
  consistencyProof(from: number, to: number = this.size): Buffer[] {
    assertCount('to', to, this.size);
    assertCount('from', from, to);
    return consistencyProofRanges(from, to).map(([start, end]) => this.#subtreeHash(start, end));
  }

  /**
   * The hash of the complete subtree of 2^`height` leaves numbered `index` at that height, i.e.
   * MTH(D[index * 2^height : (index + 1) * 2^height]); the tree must hold all of its leaves.
   */
  nodeHash(height: number, index: number): Buffer {
    if (!isCount(height) || height >= this.#levels.length) throw new RangeError(`no complete subtree of height ${height}`);
    assertIndex('index', index, this.#levels[height]!.length);
    return Buffer.from(this.#levels[height]!.get(index));
  }

  /**
   * MTH(D[start:end]) for a range reached by the RFC's recursion (start is a
   * multiple of the largest power of two ≤ end - start), so the range splits
   * into cached perfect subtrees of decreasing size, folded from the right.
   */
  #subtreeHash(start: number, end: number): Buffer {
    return foldRight(perfectSubtrees(start, end).map(({ height, index }) => Buffer.from(this.#levels[height]!.get(index))))!;
  }

  #level(level: number): HashLevel {
    while (this.#levels.length <= level) this.#levels.push(new HashLevel());
    return this.#levels[level]!;
  }
}

/** A range of leaves [start, end) whose Merkle Tree Hash is one hash of a proof. */
export type LeafRange = readonly [start: number, end: number];

/**
 * The leaf ranges whose hashes make the inclusion proof of leaf `index` in the tree of `size`
 * leaves, leaf side first (RFC 9162 §2.1.3.1). Each range splits into complete aligned subtrees
 * (see `perfectSubtrees`), so any store of such subtrees (the in-memory tree, tlog tiles) can
 * give the proof.
 */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  if (!isCount(size) || !isCount(index) || index >= size) throw new RangeError(`index ${index} is not in a tree of ${size} leaves`);
  // Walk down from the root; siblings are collected top-down, the proof is bottom-up.
  const siblings: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (index < split) {
      siblings.push([split, end]);
      end = split;
    } else {
      siblings.push([start, split]);
      start = split;
    }
  }
  return siblings.reverse();
}

/** The leaf ranges whose hashes make the consistency proof between tree sizes `from` and `to` (RFC 9162 §2.1.4.1 PROOF/SUBPROOF). */
export function consistencyProofRanges(from: number, to: number): LeafRange[] {
  if (!isCount(from) || !isCount(to) || from > to) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  if (from === 0 || from === to) return [];
  // Iterative SUBPROOF(m, D[start:end], b): hashes appended on the way down
  // come out in reverse order, after the hash of the final subtree.
  const appended: LeafRange[] = [];
  let start = 0;
  let end = to;
  let isWholeOldTree = true;
  while (from !== end) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (from <= split) {
      appended.push([split, end]);
      end = split;
    } else {
      appended.push([start, split]);
      start = split;
      isWholeOldTree = false;
    }
  }
  const proof: LeafRange[] = isWholeOldTree ? [] : [[start, end]];
  return proof.concat(appended.reverse());
}

/**
 * The complete aligned subtrees that make up D[start:end], largest first, as (height, index)
 * pairs: MTH(D[start:end]) is their hashes folded from the right (see `foldSubtreeHashes`). Holds
 * for every range `inclusionProofRanges`, `consistencyProofRanges` and a tree's root give.
 */
export function perfectSubtrees(start: number, end: number): { height: number; index: number }[] {
  const parts: { height: number; index: number }[] = [];
  for (let position = start; position < end; ) {
    const { size, level } = largestPowerOfTwoAtMost(end - position);
    if (position % size !== 0) throw new RangeError(`range [${start}, ${end}) is not made of aligned subtrees`);
    parts.push({ height: level, index: position / size });
    position += size;
  }
  return parts;
}

/** MTH of a range from the hashes of its `perfectSubtrees`, in that order. */
export function foldSubtreeHashes(hashes: readonly Buffer[]): Buffer {
  return foldRight(hashes) ?? Buffer.from(EMPTY_ROOT);
}

/** Growable array of 32-byte hashes in one buffer, to keep large trees compact in memory. */
class HashLevel {
  #bytes = Buffer.alloc(HASH_SIZE * 16);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(hash: Uint8Array): void {
    if ((this.#length + 1) * HASH_SIZE > this.#bytes.length) {
      const grown = Buffer.alloc(this.#bytes.length * 2);
      this.#bytes.copy(grown);
      this.#bytes = grown;
    }
    this.#bytes.set(hash, this.#length * HASH_SIZE);
    this.#length++;
  }

  /** A view into the level's storage: callers must copy before handing it out. */
  get(index: number): Buffer {
    return this.#bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }
}

/** Right fold of subtree hashes: hash(p0, hash(p1, ... hash(pn-2, pn-1))). */
function foldRight(parts: readonly Buffer[]): Buffer | undefined {
  let acc = parts.at(-1);
  for (let i = parts.length - 2; i >= 0; i--) acc = hashChildren(parts[i]!, acc!);
  return acc;
}

/** Largest power of two strictly less than n, for n ≥ 2 (the RFC's k). */
function largestPowerOfTwoBelow(n: number): number {
  return largestPowerOfTwoAtMost(n - 1).size;
}

function largestPowerOfTwoAtMost(n: number): { size: number; level: number } {
  let size = 1;
  let level = 0;
  while (size * 2 <= n) {
    size *= 2;
    level++;
  }
  return { size, level };
}

// Arithmetic instead of bit operators: sizes may exceed 2^31.
function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  return largestPowerOfTwoAtMost(n).size === n;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

function assertLeafHash(leafHash: Uint8Array): Uint8Array {
  if (!isHash(leafHash)) throw new RangeError(`leaf hash must be a ${HASH_SIZE}-byte Uint8Array`);
  return leafHash;
}

function assertCount(name: string, value: number, max: number): void {
  if (!isCount(value) || value > max) {
    throw new RangeError(`${name} must be an integer in [0, ${max}], got ${value}`);
  }
}

function assertIndex(name: string, value: number, size: number): void {
  if (!isCount(value) || value >= size) {
    throw new RangeError(
      size === 0 ? `${name} ${value} is out of range: the tree is empty` : `${name} must be an integer in [0, ${size - 1}], got ${value}`,
    );
  }
}
