/* The commit page of the draw ceremony (supervision/commit.html), a file of its own so that the
   Content-Security-Policy needs no inline script; the page's messages come from data-* attributes.
   commit = SHA256_hex(UTF8(canonical_json(["ticcoop-commit-v1", ceremony, participant, secret])))
   (ticcoop.methods.seed.commit_for).  For an array of strings, JSON.stringify writes exactly
   RFC 8785 canonical JSON: no whitespace, only " \ and U+0000-U+001F escaped. */
(function () {
  "use strict";
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const LABEL = read("commit-label"), CEREMONY = read("ceremony-label");
  const PARTICIPANT = read("participant"), MIN_LENGTH = read("min-length");
  const secret = document.getElementById("secret");
  const commit = document.getElementById("id_commit");
  const button = document.getElementById("commit-button");
  const problem = document.getElementById("secret-problem");
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  async function commitFor(value) {
    const text = JSON.stringify([LABEL, CEREMONY, PARTICIPANT, value]);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return hex(new Uint8Array(digest));
  }
  function complaint(value) {
    if (!window.crypto || !crypto.subtle) return problem.dataset.noCrypto;
    if ([...value].length < MIN_LENGTH) return problem.dataset.tooShort;
    if (value.isWellFormed && !value.isWellFormed()) return problem.dataset.badCharacters;
    return "";
  }
  async function update() {
    const value = secret.value, why = complaint(value);
    problem.hidden = !why || !value;
    problem.textContent = why;
    commit.value = why ? "" : await commitFor(value);
    button.disabled = !commit.value;
  }
  secret.addEventListener("input", update);
  const generate = document.getElementById("generate-secret");
  generate.addEventListener("click", () => {
    secret.value = hex(crypto.getRandomValues(new Uint8Array(32)));
    update();
  });
  // The page renders the button disabled: a click before this deferred script ran would do
  // nothing.  A secret typed (or restored by the browser) before then gets its commit now.
  generate.disabled = false;
  if (secret.value) update();
})();
