import { describe, it, expect } from 'vitest';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  NoteError,
  formatCheckpoint,
  keyHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rawPublicKey,
  signNote,
  verifierFromKey,
  verifierKey,
} from './signed-note.ts';
import type { NoteSigner, NoteVerifier } from './signed-note.ts';

// Known-answer values from golang.org/x/mod sumdb/note/note_test.go (TestSign,
// TestOpen, TestVerifierList) and the package documentation in note.go.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** Ed25519 private key from the 32-byte seed in a Go "PRIVATE+KEY+name+hash+base64(0x01 || seed)" signer key. */
function privateKeyFromGoSignerKey(skey: string): KeyObject {
  const seed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1);
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410 §7).
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

/** Inserts `insert` at UTF-8 byte offset `at`, as Go's string slicing does. */
function insertAtByte(s: string, at: number, insert: string): string {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(insert), bytes.subarray(at)]).toString('utf8');
}

function newSigner(name: string): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, privateKey, publicKey };
}

const verifierOf = ({ name, publicKey }: NoteSigner): NoteVerifier => ({ name, publicKey });

const peter = verifierFromKey(PETER_VKEY);
const enoch = verifierFromKey(ENOCH_VKEY);

describe('golang.org/x/mod/sumdb/note known answers', () => {
  it('parses the verifier key and recomputes its key hash', () => {
    const parsed = parseVerifierKey(PETER_VKEY);
    expect(parsed.name).toBe('PeterNeumann');
    expect(parsed.keyHash.toString('hex')).toBe('c74f20a3');
    expect(keyHash('PeterNeumann', parsed.publicKey).toString('hex')).toBe('c74f20a3');
    expect(verifierKey('PeterNeumann', parsed.publicKey)).toBe(PETER_VKEY);
    expect(parseVerifierKey(ENOCH_VKEY).keyHash.toString('hex')).toBe('af0cfe78');
  });

  it('signs byte for byte like the reference (TestSign)', () => {
    const privateKey = privateKeyFromGoSignerKey(PETER_SKEY);
    const signer = { name: 'PeterNeumann', privateKey, publicKey: createPublicKey(privateKey) };
    expect(rawPublicKey(privateKey)).toEqual(parseVerifierKey(PETER_VKEY).publicKey);
    expect(signNote(GO_TEXT, [signer])).toBe(`${GO_TEXT}\n${PETER_SIG}`);
  });

  it('opens the reference notes (TestOpen)', () => {
    const both = `${GO_TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(`${GO_TEXT}\n${PETER_SIG}`, [peter])).toEqual({ text: GO_TEXT, verifiedBy: ['PeterNeumann'] });
    expect(openNote(both, [peter])).toEqual({ text: GO_TEXT, verifiedBy: ['PeterNeumann'] });
    expect(openNote(both, [enoch])).toEqual({ text: GO_TEXT, verifiedBy: ['EnochRoot'] });
    expect(openNote(both, [peter, enoch]).verifiedBy).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(() => openNote(both, [])).toThrow(/no verifiable signatures/);
  });

  it('rejects the reference bad notes', () => {
    const invalid = insertAtByte(PETER_SIG, 60, 'ABCD');
    expect(() => openNote(`${GO_TEXT}\n${invalid}`, [peter])).toThrow('invalid signature for key PeterNeumann+c74f20a3');
    expect(() => openNote(`${GO_TEXT}\n${PETER_SIG.repeat(101)}`, [peter])).toThrow(/malformed note/);
    expect(() => openNote(`${GO_TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).toThrow(/ambiguous/);
    expect(openNote(`${GO_TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verifiedBy).toEqual(['PeterNeumann']);

    const badMessages = [
      GO_TEXT,
      `${GO_TEXT}\n`,
      `${GO_TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${GO_TEXT}\n${PETER_SIG}`,
      `\uD800${GO_TEXT}\n${PETER_SIG}`, // Go uses "\xff": invalid UTF-8 has no JS string, a lone surrogate is the analogue.
      `${GO_TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${GO_TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    for (const message of badMessages) {
      expect(() => openNote(message, [peter]), JSON.stringify(message)).toThrow(/malformed note/);
    }
  });

  it('ignores unknown and repeated signatures', () => {
    const enochABCD = insertAtByte(ENOCH_SIG, 60, 'ABCD');
    const note = `${GO_TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochABCD}`;
    expect(openNote(note, [peter])).toEqual({ text: GO_TEXT, verifiedBy: ['PeterNeumann'] });
  });
});

describe('signNote / openNote', () => {
  const text = 'orebook.example/log\n42\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

  it('round-trips with one key', () => {
    const signer = newSigner('orebook.example/log');
    const note = signNote(text, [signer]);
    expect(note.startsWith(`${text}\n— orebook.example/log `)).toBe(true);
    expect(openNote(note, [verifierOf(signer)])).toEqual({ text, verifiedBy: ['orebook.example/log'] });
  });

  it('opens a note signed by an old and a new key with either key (rotation overlap)', () => {
    const oldKey = newSigner('orebook.example/log');
    const newKey = newSigner('orebook.example/log');
    const note = signNote(text, [oldKey, newKey]);
    expect(note.split('\n— ').length).toBe(3);
    expect(openNote(note, [verifierOf(oldKey)]).verifiedBy).toEqual(['orebook.example/log']);
    expect(openNote(note, [verifierOf(newKey)]).verifiedBy).toEqual(['orebook.example/log']);
    expect(openNote(note, [verifierOf(oldKey), verifierOf(newKey)]).text).toBe(text);
  });

  it('round-trips texts with blank lines and non-ASCII characters', () => {
    const signer = newSigner('witness.example/w1');
    for (const body of ['\n', 'a\n\nb\n', 'a\n\n', 'Ognuno sta solo sul cuor della terra\n\ned è subito sera. 🌍\n']) {
      expect(openNote(signNote(body, [signer]), [verifierOf(signer)]).text).toBe(body);
    }
  });

  it('fails when one byte of the text or the signature changes', () => {
    const signer = newSigner('orebook.example/log');
    const verifiers = [verifierOf(signer)];
    const note = signNote(text, [signer]);
    expect(() => openNote(note.replace('42', '43'), verifiers)).toThrow(/invalid signature/);
    expect(() => openNote(note.replace('orebook.example/log\n', 'orebook.example/lof\n'), verifiers)).toThrow(
      /invalid signature/,
    );

    const base64Start = note.lastIndexOf(' ') + 1;
    for (let at = base64Start; at < note.length - 2; at += 7) {
      const original = note[at]!;
      const tampered = note.slice(0, at) + (original === 'A' ? 'B' : 'A') + note.slice(at + 1);
      expect(() => openNote(tampered, verifiers), `position ${at}`).toThrow(NoteError);
    }
  });

  it('fails for a wrong key name or an unknown key', () => {
    const signer = newSigner('orebook.example/log');
    const note = signNote(text, [signer]);
    expect(() => openNote(note, [{ name: 'orebook.example/other', publicKey: signer.publicKey }])).toThrow(
      /no verifiable signatures/,
    );
    expect(() => openNote(note.replace('— orebook.example/log ', '— orebook.example/lag '), [verifierOf(signer)])).toThrow(
      /no verifiable signatures/,
    );
    expect(() => openNote(note, [verifierOf(newSigner('orebook.example/log'))])).toThrow(/no verifiable signatures/);
  });

  it('rejects invalid texts and signers', () => {
    const signer = newSigner('orebook.example/log');
    expect(() => signNote('no newline', [signer])).toThrow(NoteError);
    expect(() => signNote('tab\there\n', [signer])).toThrow(NoteError);
    expect(() => signNote(text, [])).toThrow(NoteError);
    expect(() => signNote(text, [{ ...signer, name: 'bad name' }])).toThrow(NoteError);
    expect(() => signNote(text, [{ ...signer, name: 'a+b' }])).toThrow(NoteError);
    expect(() => signNote(text, [signer, signer])).toThrow(/duplicate signer/);
    expect(() => signNote(text, [{ ...signer, publicKey: newSigner('x').publicKey }])).toThrow(/does not match/);
  });
});

describe('verifier keys', () => {
  it('round-trips a generated key', () => {
    const signer = newSigner('orebook.example/log');
    const raw = rawPublicKey(signer.publicKey);
    expect(raw).toHaveLength(32);
    const vkey = verifierKey(signer.name, raw);
    expect(parseVerifierKey(vkey)).toEqual({ name: signer.name, keyHash: keyHash(signer.name, raw), publicKey: raw });
    expect(rawPublicKey(verifierFromKey(vkey).publicKey)).toEqual(raw);
  });

  it('rejects every truncation and single-character change (as TestNewVerifier)', () => {
    for (let start = 0; start <= PETER_VKEY.length; start++) {
      for (let end = start + 1; end <= PETER_VKEY.length; end++) {
        if (start === 0 && end === PETER_VKEY.length) continue;
        expect(() => parseVerifierKey(PETER_VKEY.slice(start, end))).toThrow(NoteError);
      }
    }
    for (let at = 0; at < PETER_VKEY.length; at++) {
      const changed = PETER_VKEY.slice(0, at) + String.fromCharCode(PETER_VKEY.charCodeAt(at) + 1) + PETER_VKEY.slice(at + 1);
      expect(() => parseVerifierKey(changed), changed).toThrow(NoteError);
    }
    // Wrong key length and unknown algorithm, each with an adjusted key hash (TestNewVerifier).
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow(NoteError);
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(NoteError);
  });

  it('rejects non-Ed25519 keys', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => rawPublicKey(publicKey)).toThrow(NoteError);
    expect(() => keyHash('name', Buffer.alloc(31))).toThrow(NoteError);
  });
});

describe('checkpoints', () => {
  // Root hash of the example in c2sp.org/tlog-checkpoint.
  const root = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');

  it('formats and parses the tlog-checkpoint example body', () => {
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    expect(parseCheckpoint(body)).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: root, extensions: [] });
    expect(formatCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: root })).toBe(body);
  });

  it('round-trips extension lines and the empty tree', () => {
    const checkpoint = { origin: 'orebook.example/log', size: 0, rootHash: root, extensions: ['ext one', 'ext two'] };
    expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
  });

  it('round-trips through a signed note', () => {
    const signer = newSigner('orebook.example/log');
    const body = formatCheckpoint({ origin: signer.name, size: 7, rootHash: root });
    const { text } = openNote(signNote(body, [signer]), [verifierOf(signer)]);
    expect(parseCheckpoint(text)).toEqual({ origin: signer.name, size: 7, rootHash: root, extensions: [] });
  });

  it('rejects malformed bodies', () => {
    const b64 = root.toString('base64');
    for (const bad of [
      `o\n1\n${b64}`,
      `o\n1\n`,
      `\n1\n${b64}\n`,
      `o\n01\n${b64}\n`,
      `o\n-1\n${b64}\n`,
      `o\n+1\n${b64}\n`,
      `o\n1.0\n${b64}\n`,
      `o\n 1\n${b64}\n`,
      `o\n99999999999999999999\n${b64}\n`,
      `o\n1\n${b64.slice(0, -1)}\n`,
      `o\n1\n${Buffer.alloc(31).toString('base64')}\n`,
      `o\n1\n${b64}\n\n`,
      `o\n1\n${b64}\next\n\n`,
    ]) {
      expect(() => parseCheckpoint(bad), JSON.stringify(bad)).toThrow(NoteError);
    }
    expect(() => formatCheckpoint({ origin: '', size: 1, rootHash: root })).toThrow(NoteError);
    expect(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: root })).toThrow(NoteError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root.subarray(1) })).toThrow(NoteError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root, extensions: [''] })).toThrow(NoteError);
  });
});
