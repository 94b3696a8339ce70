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
