// Behaviour for all pages; no inline scripts anywhere (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
    const fallback = select.form.querySelector("[data-autosubmit-fallback]");
    if (fallback) fallback.classList.add("visually-hidden");
  }
  for (const el of document.querySelectorAll("[data-confirm]")) {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  }
});

// A table that scrolls sideways (phones) must be reachable by keyboard (WCAG 2.1.1): each
// .table-responsive becomes a named, focusable region, in pages and in what htmx swaps in.
function focusableScrollers(root) {
  for (const box of root.querySelectorAll(".table-responsive")) {
    if (!box.hasAttribute("tabindex")) box.tabIndex = 0;
    if (box.hasAttribute("role")) continue;
    box.setAttribute("role", "region");
    const named = box.closest("[aria-labelledby]");
    const caption = box.querySelector("caption");
    if (named) box.setAttribute("aria-labelledby", named.getAttribute("aria-labelledby"));
    else if (caption) box.setAttribute("aria-label", caption.textContent.trim());
    else box.setAttribute("aria-label", document.title);
  }
}
document.addEventListener("DOMContentLoaded", () => focusableScrollers(document));
document.addEventListener("htmx:load", (event) => focusableScrollers(event.target.parentElement || document));
