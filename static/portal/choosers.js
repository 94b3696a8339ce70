// Choosers that search on the server as you type (records/pages/choosers.py): the page holds a
// <select> with the chosen option only, or (data-multiple) a checked checkbox per chosen value;
// typing asks the endpoint for at most 20 matches. Picking one replaces the chosen option, or adds
// a checked checkbox (unticking one leaves it out of the form).
// Keyboard: arrow keys move through the matches, Enter picks, Escape closes. No inline scripts
// anywhere (Content-Security-Policy).
(() => {
  const DELAY_MS = 200;

  const bind = (box) => {
    const select = box.querySelector("select");
    const chosen = box.querySelector(".search-select-chosen"); // data-multiple: the checkboxes
    const input = box.querySelector(".search-select-input");
    const list = box.querySelector(".search-select-results");
    if (!(select || chosen) || !input || !list || box.dataset.bound) return;
    box.dataset.bound = "1";
    input.hidden = false;
    const valueKey = box.dataset.valueKey || "id";
    let results = [];
    let active = -1;
    let timer = null;
    let asked = 0;
    let pending = false; // typed, not yet answered: the list shown is for older text
    let pickFirst = false; // Enter came before the answer: take its first match

    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };

    const highlight = (index) => {
      const items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((item, i) => {
        item.classList.toggle("active", i === active);
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    };

    const add = (result) => {
      const value = String(result[valueKey]);
      const boxes = Array.from(chosen.querySelectorAll("input[type=checkbox]"));
      let tick = boxes.find((b) => b.value === value);
      if (!tick) {
        tick = document.createElement("input");
        tick.type = "checkbox";
        tick.name = box.dataset.name;
        tick.value = value;
        tick.id = `${chosen.id}_${boxes.length}`;
        while (document.getElementById(tick.id)) tick.id += "_";
        const label = document.createElement("label");
        label.htmlFor = tick.id;
        label.append(tick, ` ${result.label}`);
        const wrap = document.createElement("div");
        wrap.className = "form-check";
        wrap.append(label);
        chosen.append(wrap);
      }
      tick.checked = true;
      input.value = "";
      results = [];
      close();
      tick.dispatchEvent(new Event("change", { bubbles: true }));
    };

    const pick = (result) => {
      if (chosen) {
        add(result);
        return;
      }
      for (const option of Array.from(select.options)) {
        if (option.value !== "") option.remove();
      }
      const option = new Option(result.label, String(result[valueKey]), true, true);
      select.add(option);
      select.value = option.value;
      input.value = "";
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };

    const show = (found) => {
      pending = false;
      if (pickFirst && found.length) {
        pickFirst = false;
        pick(found[0]);
        return;
      }
      pickFirst = false;
      results = found;
      list.replaceChildren();
      if (!found.length) {
        const none = document.createElement("li");
        none.className = "list-group-item text-muted small";
        none.textContent = box.dataset.none || "";
        list.append(none);
      }
      found.forEach((result, i) => {
        const item = document.createElement("li");
        item.className = "list-group-item list-group-item-action";
        item.id = `${input.id}_option_${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = result.label;
        // mousedown, not click: the input keeps its focus (and the list stays open) until picked
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pick(result);
        });
        list.append(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    };

    const ask = async () => {
      const number = ++asked;
      const url = new URL(box.dataset.url, window.location.href);
      url.searchParams.set("q", input.value.trim());
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok || number !== asked) return;
        const data = await response.json();
        if (number === asked) show(data.results || []);
      } catch {
        // offline for a moment: the chosen value stays; typing again asks again
      }
    };

    input.addEventListener("input", () => {
      pending = true;
      asked += 1; // an answer still on its way is to an earlier text: it must not end `pending`
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("focus", () => {
      if (!results.length) ask();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden || pending) {
          if (list.hidden) ask();
          return;
        }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (!list.hidden || pending) event.preventDefault(); // never submits the form half-chosen
        if (pending) pickFirst = true;
        else if (active >= 0 && results[active]) pick(results[active]);
        else if (results.length === 1) pick(results[0]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  };

  const bindAll = (root) => {
    for (const box of root.querySelectorAll("[data-search-select]")) bind(box);
  };
  document.addEventListener("DOMContentLoaded", () => bindAll(document));
  document.addEventListener("htmx:afterSettle", (event) => bindAll(event.target));
})();
