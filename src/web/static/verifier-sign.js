// Orebook: a verifier signs with an Ed25519 key it holds, in the browser (Web Crypto). The private
// key never leaves the browser: either this browser made it, non-extractable, and keeps it in
// IndexedDB, or it is read from a key file (PKCS#8 PEM, as `orebook keygen-verifier` writes) and
// used here without being sent. The page gives the messages (data-msg-* attributes), in the
// reader's language; without this script, or without Ed25519, the pages still work with the CLI.
/* global atob, btoa, crypto, document, indexedDB */
(() => {
  'use strict';
  const algorithm = { name: 'Ed25519' };

  const toBase64 = (bytes) => {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  };
  const fromBase64 = (text) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

  // Keys this browser made, by their public key (base64): { privateKey, publicKey } CryptoKeys.
  const store = (mode, work) =>
    new Promise((resolve, reject) => {
      const opening = indexedDB.open('orebook-verifier-keys', 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore('keys');
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const request = work(opening.result.transaction('keys', mode).objectStore('keys'));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      };
    });
  const saveKeyPair = (publicKey, pair) => store('readwrite', (keys) => keys.put(pair, publicKey));
  const loadKeyPair = (publicKey) => store('readonly', (keys) => keys.get(publicKey));

  async function hasEd25519() {
    if (!globalThis.crypto?.subtle || !globalThis.indexedDB) return false;
    try {
      await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
      return true;
    } catch {
      return false;
    }
  }

  // The verifier keys page: make a key in this browser and register its public half.
  async function keysPage(form) {
    const button = document.getElementById('make-browser-key');
    const status = document.getElementById('browser-key-status');
    if (!(await hasEd25519())) {
      status.textContent = form.getAttribute('data-msg-no-ed25519');
      return;
    }
    button.hidden = false;
    button.addEventListener('click', async () => {
      button.disabled = true;
      const pair = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
      const publicKey = toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
      await saveKeyPair(publicKey, pair);
      form.querySelector('[name=publicKey]').value = publicKey;
      form.submit();
    });
  }

  // A prepared statement: sign its exact bytes, check the signature with the key Orebook expects, post it.
  async function draftPage(documentElement, panel) {
    const status = document.getElementById('browser-signing-status');
    const message = (name) => panel.getAttribute(`data-msg-${name}`);
    if (!(await hasEd25519())) {
      status.textContent = message('no-ed25519');
      return;
    }
    const bytes = fromBase64(documentElement.dataset.document);
    const expected = documentElement.dataset.publicKey;
    const expectedKey = await crypto.subtle.importKey('raw', fromBase64(expected), algorithm, false, ['verify']);
    const form = document.getElementById('signature-form');
    const signWith = async (privateKey) => {
      const signature = new Uint8Array(await crypto.subtle.sign(algorithm, privateKey, bytes));
      if (!(await crypto.subtle.verify(algorithm, expectedKey, signature, bytes))) {
        status.textContent = message('draft-key-wrong');
        return;
      }
      form.querySelector('[name=signature]').value = toBase64(signature);
      status.textContent = message('draft-signed-ready');
      form.submit();
    };

    const fileRow = document.getElementById('key-file-row');
    const file = document.getElementById('key-file');
    fileRow.hidden = false;
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      try {
        const pem = await chosen.text();
        const der = fromBase64(pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, ''));
        await signWith(await crypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']));
      } catch {
        status.textContent = message('draft-key-wrong');
      }
    });

    const stored = await loadKeyPair(expected).catch(() => undefined);
    if (!stored) {
      status.textContent = message('draft-key-missing');
      return;
    }
    const button = document.getElementById('sign-in-browser');
    button.hidden = false;
    button.addEventListener('click', () => {
      button.disabled = true;
      signWith(stored.privateKey);
    });
  }

  const registerForm = document.getElementById('register-key');
  if (registerForm) keysPage(registerForm);
  const documentElement = document.getElementById('document');
  const panel = document.getElementById('browser-signing');
  if (documentElement && panel) draftPage(documentElement, panel);
})();
