// Ledger pages: refuse an oversized file before uploading it, and submit the commit once.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    const warning = input.parentElement.querySelector("[data-too-large]");
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      const tooLarge = Boolean(file && file.size > Number(input.dataset.maxBytes));
      input.setCustomValidity(tooLarge ? (warning ? warning.textContent : "too large") : "");
      input.classList.toggle("is-invalid", tooLarge);
      if (warning) warning.classList.toggle("d-none", !tooLarge);
    });
  }
});
// The commit button lives in content that htmx swaps in: delegate.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-once]");
  if (!button) return;
  if (button.dataset.sent) {
    event.preventDefault();
    return;
  }
  button.dataset.sent = "1";
  button.classList.add("disabled");
});
