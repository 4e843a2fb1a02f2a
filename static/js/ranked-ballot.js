// Progressive enhancement of the ballot (templates/voting/ballot.html); the ballot works without it.
// A ranked ballot becomes two lists, "Your ranking" and "Not ranked". Every proposal has buttons (Add,
// Remove, Move up, Move down), so nothing needs dragging (WCAG 2.5.7); dragging works too. Each move
// is announced in the page's aria-live region and written back into the hidden rank fields, so the
// form posts exactly what the no-JavaScript ballot posts. Ballots with a spending cap or points show a
// running total.
"use strict";

(() => {
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));

  function announce(text) {
    const region = document.getElementById("ballot-announcer");
    if (!region) return;
    region.textContent = "";
    // A short pause makes screen readers announce the same sentence twice in a row, too.
    window.setTimeout(() => { region.textContent = text; }, 60);
  }

  function money(minor, currency) {
    const lang = document.documentElement.lang || "en";
    const digits = minor % 100 === 0 ? 0 : 2;
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 100);
    } catch (error) {
      return `${(minor / 100).toFixed(digits)} ${currency}`;
    }
  }

  // The running total: cost against the cap, or points given against the points to share out.
  function updateTotal(fieldset) {
    const total = fieldset.querySelector("[data-ballot-total]");
    if (!total) return;
    const data = fieldset.dataset;
    let text;
    let over;
    if (data.cap) {
      let cost = 0;
      for (const item of fieldset.querySelectorAll(".ballot-item")) {
        const input = item.querySelector(".ballot-input select, .ballot-input input");
        const chosen = input.type === "checkbox" ? input.checked : input.value !== "" && input.value !== "0";
        if (chosen) cost += Number(item.dataset.cost);
      }
      over = cost > Number(data.cap);
      text = fill(data.totalText, { cost: money(cost, data.currency), budget: money(Number(data.cap), data.currency) });
      if (over) text += ` ${data.overText}`;
    } else if (data.points) {
      let given = 0;
      for (const input of fieldset.querySelectorAll(".ballot-input input")) given += Math.max(0, parseInt(input.value, 10) || 0);
      over = given > Number(data.points);
      text = fill(data.pointsText, { given, total: data.points });
      if (over) text += ` ${data.overPointsText}`;
    }
    if (text !== undefined && total.textContent !== text) total.textContent = text;
    total.classList.toggle("ballot-total-over", Boolean(over));
  }

  function makeButton(item, move, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-secondary";
    button.dataset.move = move;
    button.textContent = label;
    const title = document.createElement("span");
    title.className = "visually-hidden";
    title.textContent = ` ${item.dataset.title}`;
    button.append(title);
    return button;
  }

  function enhanceRanked(fieldset) {
    const data = fieldset.dataset;
    const original = fieldset.querySelector(".ballot-list");
    const items = [...original.querySelectorAll(".ballot-item")];
    const select = (item) => item.querySelector(".ballot-input select");

    const section = (headingText, tag) => {
      const wrapper = document.createElement("div");
      wrapper.className = "ballot-column";
      const heading = document.createElement("h3");
      heading.textContent = headingText;
      heading.id = `${fieldset.id}-${tag}`;
      const list = document.createElement(tag);
      list.className = "ballot-list";
      list.setAttribute("aria-labelledby", heading.id);
      wrapper.append(heading, list);
      return [wrapper, list];
    };
    const [rankedColumn, ranked] = section(data.textRanked, "ol");
    const [unrankedColumn, unranked] = section(data.textUnranked, "ul");
    const empty = document.createElement("p");
    empty.className = "hint";
    empty.textContent = data.textEmpty;
    rankedColumn.append(empty);
    const columns = document.createElement("div");
    columns.className = "ballot-columns";
    columns.append(rankedColumn, unrankedColumn);
    original.replaceWith(columns);

    const byRank = items.filter((item) => select(item).value !== "");
    byRank.sort((a, b) => Number(select(a).value) - Number(select(b).value));
    ranked.append(...byRank);
    unranked.append(...items.filter((item) => select(item).value === ""));

    for (const item of items) {
      item.querySelector(".ballot-input").hidden = true;
      const controls = document.createElement("div");
      controls.className = "ballot-controls";
      controls.append(
        makeButton(item, "add", data.textAdd),
        makeButton(item, "up", data.textUp),
        makeButton(item, "down", data.textDown),
        makeButton(item, "remove", data.textRemove),
      );
      item.append(controls);
      item.draggable = true;
    }

    // Write the order back into the rank fields and show only the buttons that apply.
    function sync() {
      const rankedItems = [...ranked.children];
      rankedItems.forEach((item, index) => { select(item).value = String(index + 1); });
      for (const item of unranked.children) select(item).value = "";
      for (const item of items) {
        const isRanked = item.parentElement === ranked;
        const buttons = item.querySelectorAll("[data-move]");
        for (const button of buttons) {
          const move = button.dataset.move;
          button.hidden = isRanked ? move === "add"
            || (move === "up" && !item.previousElementSibling)
            || (move === "down" && !item.nextElementSibling) : move !== "add";
        }
      }
      empty.hidden = rankedItems.length > 0;
      updateTotal(fieldset);
    }

    function report(item, verb) {
      const values = { title: item.dataset.title, rank: [...ranked.children].indexOf(item) + 1, count: ranked.children.length };
      announce(fill(verb === "removed" ? data.textRemoved : verb === "added" ? data.textAdded : data.textMoved, values));
    }

    function apply(item, move) {
      if (move === "add") ranked.append(item);
      else if (move === "remove") unranked.append(item);
      else if (move === "up" && item.previousElementSibling) item.previousElementSibling.before(item);
      else if (move === "down" && item.nextElementSibling) item.nextElementSibling.after(item);
      else return;
      sync();
      report(item, move === "add" ? "added" : move === "remove" ? "removed" : "moved");
    }

    fieldset.addEventListener("click", (event) => {
      const button = event.target.closest("[data-move]");
      if (!button) return;
      const item = button.closest(".ballot-item");
      apply(item, button.dataset.move);
      // Keep the keyboard where it was: the same button if it still applies, else the item's first one.
      const again = item.querySelector(`[data-move="${button.dataset.move}"]:not([hidden])`);
      (again || item.querySelector("[data-move]:not([hidden])")).focus();
    });

    let dragged = null;
    fieldset.addEventListener("dragstart", (event) => {
      dragged = event.target.closest(".ballot-item");
      if (dragged) event.dataTransfer.setData("text/plain", dragged.dataset.title);
    });
    for (const list of [ranked, unranked]) {
      list.addEventListener("dragover", (event) => { if (dragged) event.preventDefault(); });
      list.addEventListener("drop", (event) => {
        if (!dragged) return;
        event.preventDefault();
        const target = event.target.closest(".ballot-item");
        if (target && target !== dragged && target.parentElement === list) target.before(dragged);
        else if (!target || target.parentElement !== list) list.append(dragged);
        const item = dragged;
        dragged = null;
        sync();
        report(item, list === unranked ? "removed" : "moved");
      });
    }
    fieldset.addEventListener("dragend", () => { dragged = null; });
    sync();
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const fieldset of document.querySelectorAll("fieldset[data-ballot]")) {
      if (fieldset.dataset.ballot === "ranked") enhanceRanked(fieldset);
      fieldset.addEventListener("change", () => updateTotal(fieldset));
      fieldset.addEventListener("input", () => updateTotal(fieldset));
      updateTotal(fieldset);
    }
  });
})();
