// Re-checks a citizens' panel draw in your own browser, trusting nothing the server computed:
//  1. download the published lottery (M panels of pseudonymous ids);
//  2. hash its panels: SHA-256 of the UTF-8 text of Python's
//     json.dumps(panels, separators=(",", ":"), ensure_ascii=True), and compare with the published hash;
//  3. turn the seed into an index: b = SHA-256(UTF-8 seed); v = b as a big-endian integer; if
//     v < floor(2^256 / M) * M the index is v mod M, otherwise b = SHA-256(b) and try again;
//  4. show panels[index].
// The same steps, in Python: `participate verify-draw --lottery lottery.json --seed "..."`.
(function () {
  "use strict";
  const form = document.getElementById("verify-form");
  if (!form || !window.crypto || !window.crypto.subtle || typeof BigInt !== "function") return;
  const result = document.getElementById("verify-result");
  const text = JSON.parse(document.getElementById("verify-messages").textContent);
  const encoder = new TextEncoder();

  // JSON.stringify writes what json.dumps writes with these separators, except that ensure_ascii also
  // escapes every character outside printable ASCII as \uXXXX (UTF-16 units, lower-case hex).
  function canonical(panels) {
    return JSON.stringify(panels).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  }

  async function sha256(bytes) {
    return new Uint8Array(await window.crypto.subtle.digest("SHA-256", bytes));
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function drawIndex(seed, size) {
    const m = BigInt(size);
    const limit = ((1n << 256n) / m) * m;
    let digest = await sha256(encoder.encode(seed));
    for (;;) {
      const value = BigInt("0x" + hex(digest));
      if (value < limit) return Number(value % m);
      digest = await sha256(digest);
    }
  }

  function line(label, value) {
    const row = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = label + " ";
    const code = document.createElement("code");
    code.className = "hash";
    code.textContent = value;
    row.append(strong, code);
    return row;
  }

  async function verify(seed) {
    const response = await fetch(form.dataset.lotteryUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(text.download_failed);
    const lottery = await response.json();
    const panels = lottery.panels;
    const digest = hex(await sha256(encoder.encode(canonical(panels))));
    const hashOk = digest === lottery.sha256 && digest === form.dataset.sha256;
    const index = await drawIndex(seed, panels.length);
    const panel = panels[index];
    const recorded = form.dataset.seed !== undefined && seed === form.dataset.seed;
    const same = recorded && index === Number(form.dataset.index) && panel.join(" ") === form.dataset.panel;

    result.replaceChildren();
    result.dataset.computedBy = "browser";
    result.dataset.sha256 = digest;
    result.dataset.index = String(index);
    result.dataset.panel = panel.join(" ");
    const heading = document.createElement("h3");
    heading.textContent = text.heading;
    result.append(heading);
    result.append(line(text.hash, digest));
    const verdict = document.createElement("p");
    verdict.className = hashOk ? "flash flash-success" : "flash flash-error";
    verdict.textContent = hashOk ? text.hash_ok : text.hash_bad;
    result.append(verdict, line(text.index, index + " / " + panels.length));
    if (recorded) {
      const match = document.createElement("p");
      match.className = same ? "flash flash-success" : "flash flash-error";
      match.textContent = same ? text.same : text.different;
      result.append(match);
    }
    const list = document.createElement("ol");
    list.className = "pseudonyms";
    panel.forEach((id) => {
      const item = document.createElement("li");
      item.textContent = id;
      list.append(item);
    });
    result.append(list);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const seed = form.elements.seed.value;
    Object.keys(result.dataset).forEach((key) => delete result.dataset[key]);
    result.replaceChildren(text.working);
    verify(seed).catch((error) => {
      result.replaceChildren(error.message || text.download_failed);
    });
  });
})();
